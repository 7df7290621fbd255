import { clock } from '../../../nodes/shared/transport';

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
