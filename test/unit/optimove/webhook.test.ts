import { useTestClock } from '../helpers/clock';
import { FakeOptimove } from '../helpers/fakeOptimove';
import { N8N, runOperation as run } from '../helpers/harness';

useTestClock();

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

	it('Get returns one webhook by id; Get Many honours Limit', async () => {
		const optimove = new FakeOptimove();
		optimove.webhooks = [
			{ id: 'a', url: `${N8N}/webhook/a` },
			{ id: 'b', url: `${N8N}/webhook/b` },
		];
		const many = await run(optimove, 'webhook', 'getMany', { limit: 1 });
		expect(many.map((m) => m.json.id)).toEqual(['a']);
		expect(await run(optimove, 'webhook', 'getMany', { returnAll: true })).toHaveLength(2);
		const [one] = await run(optimove, 'webhook', 'get', { webhookId: 'b' });
		expect(one.json).toEqual({ id: 'b', url: `${N8N}/webhook/b` });
		const [missing] = await run(optimove, 'webhook', 'get', { webhookId: 'zz' }, true);
		expect(missing.json.error).toBe('Optimove answered 404 for getWebhook');
		expect(optimove.calls).toContain('GET /conditional-execution/v2/triggered/webhooks/b');
	});
});
