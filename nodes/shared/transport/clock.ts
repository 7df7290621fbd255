import { sleep } from 'n8n-workflow';

/** Time and randomness for the transport; tests swap these for a deterministic clock. */
export const clock = {
	now: (): number => Date.now(),
	sleep: async (ms: number): Promise<void> => {
		if (ms > 0) await sleep(ms);
	},
	random: (): number => Math.random(),
};
