import { useTestClock } from '../helpers/clock';
import { FakeOptimove } from '../helpers/fakeOptimove';
import { N8N, runOperation as run } from '../helpers/harness';

useTestClock();

const FOREIGN = 'https://crm.example.test/hook';

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

	it('Get Many returns up to Limit listeners unless Return All', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [1, 2, 3].map((id) => ({ EventTypeID: id, ChannelID: null, ListenerURL: `${FOREIGN}/${id}` }));
		expect(await run(optimove, 'eventListener', 'getMany', { limit: 2 })).toHaveLength(2);
		expect(await run(optimove, 'eventListener', 'getMany', { returnAll: true, limit: 2 })).toHaveLength(3);
	});

	it('marks listeners by the N8n Base URL when given, path included (another n8n on the same host is not this one)', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [
			{ EventTypeID: 5, ChannelID: null, ListenerURL: 'https://hooks.example.test/n8n/webhook/abc/webhook?token=t' },
			{ EventTypeID: 4, ChannelID: null, ListenerURL: 'https://hooks.example.test/n8n-staging/webhook/x' },
		];
		const out = await run(optimove, 'eventListener', 'getMany', { instanceUrl: 'https://HOOKS.example.test/n8n/' });
		expect(out.map((o) => o.json.pointsAtThisN8n)).toEqual([true, false]);
	});

	it('pairs every listed listener with its input item', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 5, ChannelID: null, ListenerURL: FOREIGN }];
		const [out] = await run(optimove, 'eventListener', 'getMany', {});
		expect(out.pairedItem).toEqual({ item: 0 });
	});
});
