import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { OptimoveTrigger } from '../../../nodes/OptimoveTrigger/OptimoveTrigger.node';
import { tokenOf } from '../../../nodes/OptimoveTrigger/urlToken';
import { useTestClock } from '../helpers/clock';
import { FakeOptimove, hookContext } from '../helpers/fakeOptimove';
import { n8nContext } from '../helpers/n8nContext';
import type { HookOptions } from '../helpers/fakeOptimove';

// Issue 13: the URL token never sits in the workflow's static data (n8n returns static data to
// anyone who may read the workflow); only its SHA-256 does.

const URL = 'https://n8n.example.test/webhook/abc/webhook';
const TEST_URL = 'https://n8n.example.test/webhook-test/abc/webhook';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const listeners = (events: number[]) => ({ source: 'eventListeners', events, channelId: 505 });
const triggered = { source: 'triggeredConditionalExecution', options: {} };

const clock = useTestClock();

/** The trigger's webhook() check of a token against the static data as it stands. */
async function tokenAccepted(staticData: IDataObject, token: string, mode: 'webhook' | 'manual' = 'webhook'): Promise<boolean> {
	const { ctx, response } = n8nContext({
		kind: 'webhook',
		mode,
		staticData,
		params: { source: 'eventListeners' },
		request: { object: { rawBody: Buffer.from('{"EventTypeID":5}') }, query: { token } },
	});
	await new OptimoveTrigger().webhook.call(ctx as never);
	return response.statusCode === 200;
}

describe('Optimove Trigger URL token: only its hash in static data', () => {
	it('listeners and the triggered webhook: the registered token is nowhere in static data, its hash is, and it is accepted', async () => {
		for (const params of [listeners([5, 13]), triggered]) {
			const optimove = new FakeOptimove();
			const { call, staticData } = hookContext(optimove, { params });
			await call('create');
			const registered = [...optimove.listeners.map((l) => l.ListenerURL), ...optimove.webhooks.map((w) => w.url)];
			const token = tokenOf(registered[0]) as string;
			expect(token).toMatch(/^[0-9a-f]{64}$/);
			expect(JSON.stringify(staticData)).not.toContain(token);
			expect(staticData.production).toMatchObject({ tokenHash: sha256(token) });
			expect(await tokenAccepted(staticData, token)).toBe(true);
			expect(await tokenAccepted(staticData, sha256(token))).toBe(false);
			expect(await call('checkExists')).toBe(true);
		}
	});

	it('is the same token after delete + create (a re-publish, or unpublish and publish days later)', async () => {
		const optimove = new FakeOptimove();
		const { call } = hookContext(optimove, { params: listeners([5]) });
		await call('create');
		const url = optimove.listeners[0].ListenerURL;
		await call('delete');
		clock.advance(86_400_000);
		await call('create');
		expect(optimove.listeners[0].ListenerURL).toBe(url);
	});

	it('differs per workflow, per node and between the production and the test URL', async () => {
		const tokenFor = async (options: Partial<HookOptions>) => {
			const optimove = new FakeOptimove();
			await hookContext(optimove, { params: listeners([5]), ...options }).call('create');
			return tokenOf(optimove.listeners[0].ListenerURL);
		};
		const tokens = [
			await tokenFor({}),
			await tokenFor({ workflowId: 'workflow-2' }),
			await tokenFor({ nodeId: 'node-2' }),
			await tokenFor({ mode: 'manual', webhookUrl: TEST_URL }),
		];
		expect(new Set(tokens).size).toBe(4);
	});

	it('a rotated API key breaks nothing: the registration is kept, still accepted, and reused for a new slot', async () => {
		const optimove = new FakeOptimove();
		const before = hookContext(optimove, { params: listeners([5]) });
		await before.call('create');
		const url = optimove.listeners[0].ListenerURL;
		const after = hookContext(optimove, { params: listeners([5, 13]), staticData: before.staticData, credentials: { apiKey: 'rotated-key' } });
		await after.call('create');
		expect(optimove.listeners.map((l) => l.ListenerURL)).toEqual([url, url]);
		expect(await tokenAccepted(after.staticData, tokenOf(url) as string)).toBe(true);
		expect(await after.call('checkExists')).toBe(true);
	});

	it('a rotated API key with nothing registered any more gives a new token, and the old one stops working', async () => {
		const optimove = new FakeOptimove();
		const before = hookContext(optimove, { params: triggered });
		await before.call('create');
		const old = tokenOf(optimove.webhooks[0].url) as string;
		await before.call('delete');
		const after = hookContext(optimove, { params: triggered, staticData: before.staticData, credentials: { apiKey: 'rotated-key' } });
		await after.call('create');
		const fresh = tokenOf(optimove.webhooks[0].url) as string;
		expect(fresh).not.toBe(old);
		expect(await tokenAccepted(after.staticData, fresh)).toBe(true);
		expect(await tokenAccepted(after.staticData, old)).toBe(false);
	});

	describe('static data of an earlier version (the plain token)', () => {
		const LEGACY = 'e'.repeat(64);

		it('keeps working: accepted before any activation; the next activation keeps the registration and stores only the hash', async () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [{ EventTypeID: 5, ChannelID: null, ListenerURL: `${URL}?token=${LEGACY}` }];
			const staticData: IDataObject = { production: { token: LEGACY, slots: [{ eventTypeId: 5, channelId: null }] } };
			expect(await tokenAccepted(staticData, LEGACY)).toBe(true);
			const { call } = hookContext(optimove, { params: listeners([5]), staticData });
			expect(await call('checkExists')).toBe(true);
			expect(staticData.production).toEqual({ tokenHash: sha256(LEGACY), slots: [{ eventTypeId: 5, channelId: null }] });
			expect(await tokenAccepted(staticData, LEGACY)).toBe(true);
		});

		it('a publish that registers a new slot uses the same URL', async () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [{ EventTypeID: 5, ChannelID: null, ListenerURL: `${URL}?token=${LEGACY}` }];
			const { call, staticData } = hookContext(optimove, { params: listeners([5, 13]), staticData: { production: { token: LEGACY } } });
			await call('create');
			expect(optimove.listeners.map((l) => l.ListenerURL)).toEqual([`${URL}?token=${LEGACY}`, `${URL}?token=${LEGACY}`]);
			expect(JSON.stringify(staticData)).not.toContain(LEGACY);
		});

		it('the triggered webhook is kept too', async () => {
			const optimove = new FakeOptimove();
			optimove.webhooks = [{ id: 'w1', url: `${URL}?token=${LEGACY}` }];
			const { call, staticData } = hookContext(optimove, { params: triggered, staticData: { production: { token: LEGACY, webhookId: 'w1' } } });
			expect(await call('checkExists')).toBe(true);
			expect(staticData.production).toEqual({ tokenHash: sha256(LEGACY), webhookId: 'w1' });
		});
	});

	it("never shows this workflow's production token in the error of a refused test listen", async () => {
		const optimove = new FakeOptimove();
		const production = hookContext(optimove, { params: listeners([5]) });
		await production.call('create');
		const token = tokenOf(optimove.listeners[0].ListenerURL) as string;
		const test = hookContext(optimove, { params: listeners([5]), mode: 'manual', webhookUrl: TEST_URL, staticData: production.staticData });
		const error = (await test.call('create').catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(/This workflow is published/);
		expect(error.message).not.toContain(token);
		expect(error.message).toContain(`${URL}?token=…`);
	});
});
