import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { resetLimiters } from '../../../nodes/shared/transport/limiter';
import { useVirtualClock } from '../helpers/clock';
import { REST_CREDENTIALS, TEST_NODE } from '../helpers/n8nContext';
import { FakeOptimove } from '../trigger/fakeOptimove';

const N8N = 'https://n8n.example.test';
const FOREIGN = 'https://crm.example.test/hook';

let clock: ReturnType<typeof useVirtualClock>;
beforeEach(() => {
	resetLimiters();
	clock = useVirtualClock();
});
afterEach(() => clock.restore());

async function run(optimove: FakeOptimove, resource: string, operation: string, params: IDataObject, continueOnFail = false) {
	const items: INodeExecutionData[] = [{ json: {} }];
	const ctx = {
		getNode: () => TEST_NODE,
		getCredentials: async () => ({ ...REST_CREDENTIALS.optimoveApi }),
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => (params[name] === undefined ? fallback : params[name]),
		getInstanceBaseUrl: () => `${N8N}/`,
		continueOnFail: () => continueOnFail,
		helpers: { httpRequestWithAuthentication: jest.fn(optimove.handle) },
	};
	return RESOURCES[resource].operations[operation].execute.call(ctx as never, items);
}

describe('Event Listener resource', () => {
	it('registers a URL in a free slot; type 5 never carries a channel', async () => {
		const optimove = new FakeOptimove();
		const [out] = await run(optimove, 'eventListener', 'register', { eventTypeId: 5, channelId: 505, listenerUrl: `${N8N}/webhook/x` });
		expect(optimove.listeners).toEqual([{ EventTypeID: 5, ChannelID: null, ListenerURL: `${N8N}/webhook/x` }]);
		expect(out.json).toMatchObject({ eventType: 'Scheduled Conditional Execution', replacedUrl: null, alreadyRegistered: false });
	});

	it('refuses a slot another URL holds unless replacing, and says what it replaced', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 13, ChannelID: 505, ListenerURL: FOREIGN }];
		const params = { eventTypeId: 13, channelId: 505, listenerUrl: `${N8N}/webhook/x` };
		await expect(run(optimove, 'eventListener', 'register', params)).rejects.toThrow(`(type 13, channel 505) is held by ${FOREIGN}`);
		expect(optimove.listeners[0].ListenerURL).toBe(FOREIGN);
		const [out] = await run(optimove, 'eventListener', 'register', { ...params, replaceExisting: true });
		expect(out.json.replacedUrl).toBe(FOREIGN);
		expect(optimove.listeners[0].ListenerURL).toBe(`${N8N}/webhook/x`);
	});

	it('requires a channel for per-channel events, naming the item', async () => {
		const [out] = await run(new FakeOptimove(), 'eventListener', 'register', { eventTypeId: 11, channelId: '', listenerUrl: `${N8N}/x` }, true);
		expect(out.json.error).toBe('Item 0: Channel is required for Real-Time Trigger Met (type 11)');
	});

	it('lists listeners and marks those pointing at this n8n, so orphans stand out', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [
			{ EventTypeID: 5, ChannelID: null, ListenerURL: `${N8N}/webhook/abc/webhook?token=t` },
			{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
		];
		const out = await run(optimove, 'eventListener', 'getMany', {});
		expect(out.map((o) => [o.json.eventTypeId, o.json.pointsAtThisN8n])).toEqual([
			[5, true],
			[4, false],
		]);
	});

	it("unregisters only this n8n's (or the named) URL unless forced; an empty slot is fine", async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [
			{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
			{ EventTypeID: 5, ChannelID: null, ListenerURL: `${N8N}/webhook/abc/webhook?token=t` },
		];
		await expect(run(optimove, 'eventListener', 'unregister', { eventTypeId: 4 })).rejects.toThrow(`is held by ${FOREIGN}, not this n8n instance`);
		const [own] = await run(optimove, 'eventListener', 'unregister', { eventTypeId: 5 });
		expect(own.json).toMatchObject({ unregistered: true });
		const [named] = await run(optimove, 'eventListener', 'unregister', { eventTypeId: 4, expectedUrl: `${FOREIGN}?x=1` });
		expect(named.json).toMatchObject({ unregistered: true, previousUrl: FOREIGN });
		const [empty] = await run(optimove, 'eventListener', 'unregister', { eventTypeId: 4 });
		expect(empty.json).toMatchObject({ unregistered: false });
		expect(optimove.listeners).toEqual([]);
	});
});

describe('Webhook resource', () => {
	it('creates, gets many, and deletes; deleting a missing webhook is an error naming the 404', async () => {
		const optimove = new FakeOptimove();
		const [created] = await run(optimove, 'webhook', 'create', { url: `${N8N}/webhook/t` });
		expect(created.json).toEqual({ id: 'webhook1', url: `${N8N}/webhook/t` });
		const many = await run(optimove, 'webhook', 'getMany', {});
		expect(many.map((m) => m.json)).toEqual([{ id: 'webhook1', url: `${N8N}/webhook/t` }]);
		const [deleted] = await run(optimove, 'webhook', 'delete', { webhookId: 'webhook1' });
		expect(deleted.json).toEqual({ id: 'webhook1', deleted: true });
		const [missing] = await run(optimove, 'webhook', 'delete', { webhookId: 'webhook1' }, true);
		expect(missing.json.error).toBe('Optimove answered 404 for deleteWebhook');
		expect(optimove.calls).toContain('DELETE /conditional-execution/v2/triggered/webhooks/webhook1');
	});

	it('refuses a URL that is not http(s)', async () => {
		const [out] = await run(new FakeOptimove(), 'webhook', 'create', { url: 'ftp://x' }, true);
		expect(out.json.error).toBe('Item 0: URL must start with http:// or https://');
	});
});
