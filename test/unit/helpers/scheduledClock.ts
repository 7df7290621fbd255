import { clock } from '../../../nodes/shared/transport';

export interface ScheduledClockOptions {
	/** More copies of the transport's clock to drive (other "processes", see shared-key.test.ts). */
	clocks?: Array<typeof clock>;
	/** What `clock.random()` returns (default 0.5). */
	random?: () => number;
}

/**
 * A discrete-event virtual clock for the transport: `clock.sleep(ms)` becomes a timer that
 * fires, in time order, when `run()` has nothing else to do. Unlike helpers/clock (where every
 * sleep advances time at once, one after another), concurrent sleeps overlap as they would in
 * real time, so schedules of several requests in flight are exact and deterministic.
 */
export function useScheduledClock(
	start = Date.UTC(2026, 10, 22, 9, 0, 0),
	{ clocks = [], random = () => 0.5 }: ScheduledClockOptions = {},
) {
	const state = { now: start, seq: 0 };
	const timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
	const spies = [clock, ...clocks].flatMap((target) => [
		jest.spyOn(target, 'now').mockImplementation(() => state.now),
		jest.spyOn(target, 'sleep').mockImplementation(
			async (ms: number) =>
				new Promise<void>((resolve) => {
					timers.push({ at: state.now + Math.max(0, ms), seq: state.seq++, resolve });
				}),
		),
		jest.spyOn(target, 'random').mockImplementation(random),
	]);
	const { setImmediate: nextTurn } = jest.requireActual<typeof import('timers')>('timers');
	const flush = async () => new Promise<void>((resolve) => nextTurn(resolve));

	/** Drives `work` to its end: settles every promise, then fires the earliest timer, repeatedly. */
	async function run<T>(work: Promise<T>): Promise<T> {
		let settled = false;
		work.then(
			() => (settled = true),
			() => (settled = true),
		);
		for (let idle = 0; !settled; ) {
			await flush();
			if (settled) break;
			if (timers.length === 0) {
				if (++idle > 100) throw new Error('scheduled clock: nothing left to wait for, but the work is not done');
				continue;
			}
			idle = 0;
			timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const timer = timers.shift() as (typeof timers)[number];
			state.now = Math.max(state.now, timer.at);
			timer.resolve();
		}
		return work;
	}

	return { state, run, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** Optimove's (and the sandbox's) rule: at most `limit` requests ARRIVING in any `windowMs`. */
export class ServerWindow {
	private readonly hits: number[] = [];

	rejected = 0;

	accepted = 0;

	constructor(
		private readonly limit = 50,
		private readonly windowMs = 10_000,
	) {}

	/** Counts a request arriving at `t`; false (a 429) when the window is already full. */
	hit(t: number): boolean {
		while (this.hits.length > 0 && this.hits[0] <= t - this.windowMs) this.hits.shift();
		if (this.hits.length >= this.limit) {
			this.rejected++;
			return false;
		}
		this.hits.push(t);
		this.accepted++;
		return true;
	}
}

/** A small deterministic PRNG (mulberry32) for reproducible latencies. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
