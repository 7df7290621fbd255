import { clock } from '../../../nodes/shared/transport';
import { resetLimiters } from '../../../nodes/shared/transport/limiter';

export interface VirtualClockOptions {
	/**
	 * What `clock.sleep(ms)` does. 'advance' (default): time moves on at once and the sleep returns,
	 * so sequential waits are recorded without wall-clock time. 'overlap': the sleep becomes a timer
	 * that fires, in time order, when `run()` has nothing else to do, so concurrent sleeps overlap as
	 * they would in real time and schedules of several requests in flight are exact.
	 */
	sleeps?: 'advance' | 'overlap';
	/** More copies of the transport's clock to drive (other "processes", see shared-key.test.ts). */
	clocks?: Array<typeof clock>;
	/** What `clock.random()` returns (default: `state.randomValue`, 0.5). */
	random?: () => number;
}

/**
 * The unit tests' one clock: replaces the transport's time (`now`, `sleep`, `random`) with a
 * virtual one starting at `start`; every sleep is recorded in `state.sleeps`.
 */
export function useVirtualClock(start = Date.UTC(2026, 10, 22, 9, 0, 0), { sleeps = 'advance', clocks = [], random }: VirtualClockOptions = {}) {
	const state = { now: start, sleeps: [] as number[], randomValue: 0.5 };
	const timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
	let seq = 0;
	const sleep = async (ms: number): Promise<void> => {
		state.sleeps.push(ms);
		if (sleeps === 'overlap') return new Promise<void>((resolve) => timers.push({ at: state.now + Math.max(0, ms), seq: seq++, resolve }));
		if (ms > 0) state.now += ms;
	};
	const spies = [clock, ...clocks].flatMap((target) => [
		jest.spyOn(target, 'now').mockImplementation(() => state.now),
		jest.spyOn(target, 'sleep').mockImplementation(sleep),
		jest.spyOn(target, 'random').mockImplementation(random ?? (() => state.randomValue)),
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
				if (++idle > 100) throw new Error('virtual clock: nothing left to wait for, but the work is not done');
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

	return {
		state,
		run,
		advance: (ms: number) => {
			state.now += ms;
		},
		restore: () => spies.forEach((spy) => spy.mockRestore()),
	};
}

export type VirtualClock = ReturnType<typeof useVirtualClock>;

/**
 * The set-up every transport-driven test needs: before each test the limiters are forgotten and a
 * virtual clock starts at `start`; after it the real clock is back. `state`, `advance` and `run`
 * reach the current test's clock (`clock` is the clock itself).
 */
export function useTestClock(start?: number, options?: VirtualClockOptions) {
	let current: VirtualClock | undefined;
	beforeEach(() => {
		resetLimiters();
		current = useVirtualClock(start, options);
	});
	afterEach(() => current?.restore());
	const active = (): VirtualClock => {
		if (!current) throw new Error('useTestClock: the clock runs only inside a test');
		return current;
	};
	return {
		get clock(): VirtualClock | undefined {
			return current;
		},
		get state(): VirtualClock['state'] {
			return active().state;
		},
		advance: (ms: number) => active().advance(ms),
		run: async <T>(work: Promise<T>): Promise<T> => active().run(work),
	};
}

/** A small deterministic PRNG (mulberry32) for reproducible latencies and jitter. */
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
