// Fault injection: latency, spikes, 429s, 500s and connection resets, at random rates or as a
// scripted sequence (`next`), optionally only for paths matching a pattern. Mixed into Sandbox.
import { HttpError, sleep } from './util.mjs';

export const DEFAULT_FAULTS = {
	rate429: 0,
	rate500: 0,
	resetRate: 0,
	resetAfterRate: 0,
	latencyMs: 0,
	latencyJitterMs: 0,
	spikeRate: 0,
	spikeMs: 0,
	retryAfter: null,
	match: null,
	next: [],
};

/** The fault settings at start (and after a reset): the defaults with the start options' faults. */
export function initialFaults(startFaults = {}) {
	return { ...DEFAULT_FAULTS, ...startFaults, next: [...(startFaults.next ?? [])] };
}

export const faultMethods = {
	/** Decides the fault for one request (after latency). Returns null | 429 | 500 | 'reset' | 'resetAfter'. */
	async applyFaults(path) {
		const f = this.faults;
		if (f.match && !new RegExp(f.match, 'i').test(path)) return null;
		let delay = f.latencyMs + (f.latencyJitterMs ? this.rng() * f.latencyJitterMs : 0);
		if (f.spikeRate && this.rng() < f.spikeRate) {
			delay += f.spikeMs;
			this.state.faultsInjected.spikes++;
		}
		if (delay > 0) {
			this.state.faultsInjected.delayed++;
			await sleep(delay);
		}
		if (f.next?.length) {
			const n = f.next.shift();
			return n === 429 || n === '429' ? 429 : n === 500 || n === '500' ? 500 : n === 'resetAfter' ? 'resetAfter' : n === 'reset' ? 'reset' : null;
		}
		const total = f.rate429 + f.rate500 + f.resetRate + f.resetAfterRate;
		if (!total) return null;
		const r = this.rng();
		if (r < f.rate429) return 429;
		if (r < f.rate429 + f.rate500) return 500;
		if (r < f.rate429 + f.rate500 + f.resetRate) return 'reset';
		if (r < total) return 'resetAfter';
		return null;
	},

	setFaults(f = {}) {
		for (const [k, v] of Object.entries(f)) {
			if (!(k in DEFAULT_FAULTS)) throw new HttpError(400, { error: `unknown fault knob '${k}' (known: ${Object.keys(DEFAULT_FAULTS).join(', ')})` });
			if (k === 'next') this.faults.next = Array.isArray(v) ? [...v] : [];
			else if (k === 'match') this.faults.match = v || null;
			else if (k === 'retryAfter') this.faults.retryAfter = v === null || v === undefined || v === false ? null : Number(v);
			else {
				const n = Number(v);
				if (!Number.isFinite(n) || n < 0 || (/rate/i.test(k) && n > 1)) throw new HttpError(400, { error: `${k} must be a number${/rate/i.test(k) ? ' in [0, 1]' : ' ≥ 0'}` });
				this.faults[k] = n;
			}
		}
		return this.getFaults();
	},

	getFaults() {
		return { ...this.faults, next: [...this.faults.next] };
	},
};
