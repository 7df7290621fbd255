/** Windows of one extra request each after a 429, before the climb back starts doubling. */
const GENTLE_WINDOWS = 4;

/**
 * A share below a quarter of the limit was squeezed out by a process that held the whole window
 * (it never met a 429, so it never yielded): after this many windows without a 429 the full budget
 * is tried at once, instead of climbing back one request at a time once the other has finished.
 */
const SQUEEZED_BELOW = 1 / 4;
const SQUEEZED_PROBE_WINDOWS = 4;

/** After a 429 the share falls to this fraction of what the server accepted from us in the last window. */
const DECREASE = 0.9;

/** Requests added back after `windows` whole windows without a 429: 1, 2, 3, 4, 6, 8, 12, 20, 36 … */
function recovered(windows: number): number {
	return windows <= GENTLE_WINDOWS ? windows : GENTLE_WINDOWS + 2 ** (windows - GENTLE_WINDOWS);
}

/**
 * The part of a key's budget this process takes, learned from 429s. Other processes (n8n queue-mode
 * workers, other systems) use the same key at Optimove, and no process sees the others: the only
 * signal is a 429, which says the server's window for the key is full right now.
 *
 * After a 429 the limit falls to 90 % of what the server accepted from this process in the last
 * window, counting at least half the limit it had (a process that has just started has had nothing
 * accepted yet), so two processes that collided settle near half each, the sum under the server's
 * limit. Without further 429s it climbs back: one request per
 * window for four windows (probing gently where the collision was), then doubling (the others have
 * evidently gone); a share squeezed below a quarter tries the full budget after four windows. A 429
 * for a send started before the last decrease is news already acted on.
 */
export class AdaptiveRate {
	/** Answers the server counted (anything but a 429) within the last window, ascending. */
	private readonly counted: number[] = [];

	private level: number;

	private loweredAt = -Infinity;

	constructor(
		private readonly max: number,
		private readonly windowMs: number,
	) {
		this.level = max;
	}

	/** The limit in force at `now`. */
	limitAt(now: number): number {
		if (this.level >= this.max) return this.max;
		const windows = Math.floor((now - this.loweredAt) / this.windowMs);
		if (this.level < this.max * SQUEEZED_BELOW && windows >= SQUEEZED_PROBE_WINDOWS) return this.max;
		return Math.min(this.max, this.level + recovered(windows));
	}

	/** A send got an answer the server counted (not a 429). */
	answered(now: number): void {
		this.counted.push(now);
		this.prune(now);
	}

	/** A send started at `sentAt` got a 429 at `now`. */
	throttled(now: number, sentAt: number): void {
		if (sentAt < this.loweredAt) return;
		this.prune(now);
		const current = this.limitAt(now);
		const accepted = Math.min(current, this.counted.length);
		this.level = Math.max(1, Math.floor(Math.max(current / 2, accepted) * DECREASE));
		this.loweredAt = now;
	}

	private prune(now: number): void {
		while (this.counted.length > 0 && this.counted[0] <= now - this.windowMs) this.counted.shift();
	}
}
