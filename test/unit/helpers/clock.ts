import { clock } from '../../../nodes/shared/transport';
import { resetLimiters } from '../../../nodes/shared/transport/limiter';

/**
 * Replaces the transport's time with a virtual clock: `sleep` advances it instantly and every
 * wait is recorded, so rate and back-off behaviour is asserted without wall-clock time.
 */
export function useVirtualClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
	const state = { now: start, sleeps: [] as number[], randomValue: 0.5 };
	const spies = [
		jest.spyOn(clock, 'now').mockImplementation(() => state.now),
		jest.spyOn(clock, 'sleep').mockImplementation(async (ms: number) => {
			state.sleeps.push(ms);
			if (ms > 0) state.now += ms;
		}),
		jest.spyOn(clock, 'random').mockImplementation(() => state.randomValue),
	];
	return {
		state,
		advance: (ms: number) => {
			state.now += ms;
		},
		restore: () => spies.forEach((spy) => spy.mockRestore()),
	};
}

export type VirtualClock = ReturnType<typeof useVirtualClock>;

/**
 * The set-up every transport-driven test needs: before each test the limiters are forgotten and a
 * virtual clock starts at `start`; after it the real clock is back. `state` and `advance` reach the
 * current test's clock (`clock` is the clock itself).
 */
export function useTestClock(start?: number) {
	let current: VirtualClock | undefined;
	beforeEach(() => {
		resetLimiters();
		current = useVirtualClock(start);
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
	};
}
