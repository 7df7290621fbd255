import type { IDataObject } from 'n8n-workflow';
import { REFUSAL_MEMO_MS } from '../../../nodes/OptimoveTrigger/refusalMemo';
import { resetLimiters } from '../../../nodes/shared/transport/limiter';
import { useVirtualClock } from '../helpers/clock';
import { FakeOptimove, hookContext } from '../helpers/fakeOptimove';

// n8n 2.x's default (asynchronous) publication retries a failing create() in the background: one
// pass is up to five attempts, 1, 2, 4 and 8 s apart, each running checkExists, create and — after a
// failed create — delete, all on the same static-data object. A new pass (the user publishing again)
// loads the static data from the database: a new object.

const FOREIGN = 'https://crm.example.test/hook';
const GET = 'GET /General/GetRegisteredEventListeners';
const ATTEMPT_DELAYS_MS = [0, 1_000, 2_000, 4_000, 8_000];

let clock: ReturnType<typeof useVirtualClock>;
beforeEach(() => {
	resetLimiters();
	clock = useVirtualClock();
});
afterEach(() => clock.restore());

const params = (events: number[], extra: IDataObject = {}) => ({ source: 'eventListeners', events, channelId: 505, ...extra });

function hooks(optimove: FakeOptimove, staticData: IDataObject, parameters: IDataObject) {
	return hookContext(optimove, { params: parameters, staticData }).call;
}

/** One background pass as n8n runs it → the message of each attempt's refusal. */
async function publicationPass(call: ReturnType<typeof hooks>): Promise<string[]> {
	const messages: string[] = [];
	for (const delay of ATTEMPT_DELAYS_MS) {
		clock.advance(delay);
		if (await call('checkExists')) return messages;
		try {
			await call('create');
			return messages;
		} catch (error) {
			messages.push((error as Error).message);
			await call('delete');
		}
	}
	return messages;
}

describe('Optimove Trigger: a publication refused for a foreign slot, retried by n8n', () => {
	it('asks Optimove once per pass instead of on every attempt, and every attempt fails with the same message', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const messages = await publicationPass(hooks(optimove, {}, params([5, 4])));
		expect(messages).toHaveLength(5);
		expect(new Set(messages).size).toBe(1);
		expect(optimove.calls).toEqual([GET]);
		expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }]);
	});

	it('the message names the slot and the URL and says what to do (n8n shows only the message)', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const [message] = await publicationPass(hooks(optimove, {}, params([4])));
		expect(message).toBe(
			`Optimove's listener slot is held by another URL: "Campaign Cancelled" (type 4) → ${FOREIGN}. If it is stale, remove it (Optimove node → Event Listener → Unregister); to take it over, switch on "Replace Existing Listeners". Then publish again.`,
		);
	});

	it('a workflow URL still registered in another slot is unregistered by the first cleanup; later attempts call nothing', async () => {
		const optimove = new FakeOptimove();
		const staticData: IDataObject = {};
		await hooks(optimove, staticData, params([5]))('create');
		optimove.listeners.push({ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN });
		clock.advance(60_000);
		optimove.calls = [];
		const messages = await publicationPass(hooks(optimove, staticData, params([5, 4])));
		expect(messages).toHaveLength(5);
		expect(optimove.calls).toEqual([GET, GET, GET, 'POST /General/UnregisterEventListener']);
		expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }]);
	});

	it('a new pass (the user publishing again after freeing the slot) registers at once', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const staticData: IDataObject = {};
		await publicationPass(hooks(optimove, staticData, params([4])));
		optimove.listeners = [];
		optimove.calls = [];
		clock.advance(1_000);
		// n8n builds the workflow again from the database: the saved static data, a new object.
		expect(await publicationPass(hooks(optimove, structuredClone(staticData), params([4])))).toEqual([]);
		expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: expect.stringMatching(/\?token=[0-9a-f]{64}$/) }]);
		expect(optimove.calls).toEqual([GET, 'POST /General/RegisterEventListener']);
	});

	it('the same static data asks Optimove again once the memo is old, or for another request', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const staticData: IDataObject = {};
		const call = hooks(optimove, staticData, params([4]));
		await expect(call('create')).rejects.toThrow('held by another URL');
		clock.advance(REFUSAL_MEMO_MS);
		optimove.calls = [];
		await expect(call('create')).rejects.toThrow('held by another URL');
		expect(optimove.calls).toEqual([GET]);

		optimove.calls = [];
		await hooks(optimove, staticData, params([4], { replaceExisting: true }))('create');
		expect(optimove.calls).toEqual([GET, 'POST /General/RegisterEventListener']);
		expect(optimove.listeners[0].ListenerURL).not.toBe(FOREIGN);
	});

	it('a memo from the future (a clock set back) is not trusted', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const call = hooks(optimove, {}, params([4]));
		await expect(call('create')).rejects.toThrow('held by another URL');
		clock.advance(-1);
		optimove.calls = [];
		await expect(call('create')).rejects.toThrow('held by another URL');
		expect(optimove.calls).toEqual([GET]);
	});
});
