import type { IDataObject } from 'n8n-workflow';
import { createHash } from 'crypto';
import { tokenOf } from '../../../nodes/OptimoveTrigger/urlToken';
import { useTestClock } from '../helpers/clock';
import { fakeSecret } from '../helpers/n8nContext';
import { FakeOptimove, hookContext } from '../helpers/fakeOptimove';

const URL = 'https://n8n.example.test/webhook/abc/webhook';
const FOREIGN = 'https://crm.example.test/hook';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const clock = useTestClock();

const listenerParams = (events: number[], extra: IDataObject = {}) => ({ source: 'eventListeners', events, channelId: 505, ...extra });

describe('Optimove Trigger lifecycle: event listeners', () => {
	it('fresh create registers every selected slot with one tokened URL; type 5 without a channel', async () => {
		const optimove = new FakeOptimove();
		const { call, staticData } = hookContext(optimove, { params: listenerParams([5, 13, 1]) });
		expect(await call('checkExists')).toBe(false);
		expect(await call('create')).toBe(true);
		const token = tokenOf(optimove.listeners[0].ListenerURL) as string;
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		expect(staticData.production).toMatchObject({ tokenHash: sha256(token) });
		expect(optimove.listeners).toEqual([
			{ EventTypeID: 5, ChannelID: null, ListenerURL: `${URL}?token=${token}` },
			{ EventTypeID: 13, ChannelID: 505, ListenerURL: `${URL}?token=${token}` },
			{ EventTypeID: 1, ChannelID: 505, ListenerURL: `${URL}?token=${token}` },
		]);
		expect(await call('checkExists')).toBe(true);
	});

	it('is idempotent: a second create changes nothing and keeps the token', async () => {
		const optimove = new FakeOptimove();
		const { call, staticData } = hookContext(optimove, { params: listenerParams([5]) });
		await call('create');
		const url = optimove.listeners[0].ListenerURL;
		const { tokenHash } = staticData.production as IDataObject;
		optimove.calls = [];
		await call('create');
		expect(optimove.calls).toEqual(['GET /General/GetRegisteredEventListeners']);
		expect(optimove.listeners[0].ListenerURL).toBe(url);
		expect((staticData.production as IDataObject).tokenHash).toBe(tokenHash);
	});

	it('refuses a slot held by a foreign URL, naming it, and registers nothing', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const { call } = hookContext(optimove, { params: listenerParams([5, 4]) });
		await expect(call('create')).rejects.toThrow(`"Campaign Cancelled" (type 4) → ${FOREIGN}`);
		expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }]);
	});

	it('takes the slot over when Replace Existing Listeners is on, and logs it', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		const { call, logs } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
		await call('create');
		expect(optimove.listeners[0].ListenerURL.startsWith(`${URL}?token=`)).toBe(true);
		expect(logs.some((l) => l.startsWith('warn') && l.includes(FOREIGN))).toBe(true);
	});

	it('rolls back on a partial failure: made registrations undone, replaced ones restored', async () => {
		const optimove = new FakeOptimove();
		optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
		optimove.failRegisterFor = 13;
		const { call } = hookContext(optimove, { params: listenerParams([5, 4, 13], { replaceExisting: true }) });
		const error = await call('create').catch((e: Error & { description?: string }) => e);
		expect((error as Error).message).toMatch(/^Registering "Campaign Executed on Channel" \(type 13, channel 505\) failed/);
		expect((error as { description?: string }).description).toMatch(/^2 registration\(s\) made before it were rolled back/);
		expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }]);
	});

	it('says so when a rollback step fails too, instead of claiming Optimove is as it was', async () => {
		const optimove = new FakeOptimove();
		optimove.failRegisterFor = 13;
		optimove.failUnregisterFor = 5;
		const { call, logs } = hookContext(optimove, { params: listenerParams([5, 4, 13]) });
		const error = (await call('create').catch((e: unknown) => e)) as { description?: string };
		expect(error.description).toMatch(/^Only 1 of 2 registration\(s\) made before it could be rolled back/);
		expect(logs.some((l) => l.startsWith('error') && l.includes('could not roll back "Scheduled Conditional Execution"'))).toBe(true);
		expect(optimove.listeners.map((l) => l.EventTypeID)).toEqual([5]);
	});

	it('requires a channel for channel-specific events', async () => {
		const { call } = hookContext(new FakeOptimove(), { params: listenerParams([13], { channelId: '' }) });
		await expect(call('create')).rejects.toThrow('Campaign Executed on Channel (type 13) is registered per channel: choose a Channel');
	});

	it('delete unregisters only its own slots; a vanished slot is fine; a foreign one is untouched', async () => {
		const optimove = new FakeOptimove();
		const { call } = hookContext(optimove, { params: listenerParams([5, 13, 1]) });
		await call('create');
		optimove.listeners = optimove.listeners
			.filter((l) => l.EventTypeID !== 13) // gone meanwhile
			.map((l) => (l.EventTypeID === 1 ? { ...l, ListenerURL: FOREIGN } : l)); // taken by someone else
		expect(await call('delete')).toBe(true);
		expect(optimove.listeners).toEqual([{ EventTypeID: 1, ChannelID: 505, ListenerURL: FOREIGN }]);
		expect(optimove.calls.filter((c) => c.includes('Unregister'))).toHaveLength(1);
	});

	it('checkExists is false when a slot points elsewhere, so publishing re-registers', async () => {
		const optimove = new FakeOptimove();
		const { call } = hookContext(optimove, { params: listenerParams([5]) });
		await call('create');
		optimove.listeners[0].ListenerURL = FOREIGN;
		expect(await call('checkExists')).toBe(false);
	});

	describe('unpublishing a slot taken over with Replace Existing Listeners', () => {
		const OTHER = 'https://other-vendor.example.test/hook';
		const seeded = () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [
				{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
				{ EventTypeID: 13, ChannelID: 505, ListenerURL: OTHER },
			];
			return optimove;
		};

		it('restores the replaced URLs by default, and unregisters the slots that were free', async () => {
			const optimove = seeded();
			const { call, logs } = hookContext(optimove, { params: listenerParams([5, 4, 13], { replaceExisting: true }) });
			await call('create');
			expect(optimove.listeners.every((l) => l.ListenerURL.startsWith(`${URL}?token=`))).toBe(true);
			await call('delete');
			expect(optimove.listeners).toEqual([
				{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
				{ EventTypeID: 13, ChannelID: 505, ListenerURL: OTHER },
			]);
			expect(logs.some((l) => l.includes(`given back to ${FOREIGN}`))).toBe(true);
		});

		it('"Leave Slot Empty" unregisters and restores nothing', async () => {
			const optimove = seeded();
			const { call, logs } = hookContext(optimove, { params: listenerParams([4, 13], { replaceExisting: true, onUnpublish: 'leaveEmpty' }) });
			await call('create');
			await call('delete');
			expect(optimove.listeners).toEqual([]);
			expect(logs.some((l) => l.includes('left empty') && l.includes(FOREIGN))).toBe(true);
		});

		it('leaves a slot someone else took meanwhile alone, and says the replaced URL was not restored', async () => {
			const optimove = seeded();
			const { call, logs } = hookContext(optimove, { params: listenerParams([4, 13], { replaceExisting: true }) });
			await call('create');
			const THIRD = 'https://third.example.test/hook';
			optimove.listeners = optimove.listeners.map((l) => (l.EventTypeID === 4 ? { ...l, ListenerURL: THIRD } : l));
			await call('delete');
			expect(optimove.listeners).toEqual([
				{ EventTypeID: 4, ChannelID: null, ListenerURL: THIRD },
				{ EventTypeID: 13, ChannelID: 505, ListenerURL: OTHER },
			]);
			expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^warn: .*type 4\\).* now points at ${THIRD}.*${FOREIGN} was NOT restored`)));
		});

		it('remembers what it replaced across a re-publish that finds its own URL in place', async () => {
			const optimove = seeded();
			const { call } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
			await call('create');
			await call('create');
			await call('delete');
			expect(optimove.listeners.find((l) => l.EventTypeID === 4)?.ListenerURL).toBe(FOREIGN);
		});

		it('gives back the latest URL it replaced when the slot was taken back and re-taken', async () => {
			const optimove = seeded();
			const { call } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
			await call('create');
			const THIRD = 'https://third.example.test/hook';
			optimove.listeners = optimove.listeners.map((l) => (l.EventTypeID === 4 ? { ...l, ListenerURL: THIRD } : l));
			await call('create');
			await call('delete');
			expect(optimove.listeners.find((l) => l.EventTypeID === 4)?.ListenerURL).toBe(THIRD);
		});

		it('a failing give-back fails the delete with what to do, the slot still pointing here', async () => {
			const optimove = seeded();
			const { call } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
			await call('create');
			optimove.failRegisterFor = 4;
			await expect(call('delete')).rejects.toThrow(`Giving "Campaign Cancelled" (type 4) back to ${FOREIGN} failed`);
			expect(optimove.listeners.find((l) => l.EventTypeID === 4)?.ListenerURL.startsWith(`${URL}?token=`)).toBe(true);
		});

		it('never gives a production slot back to this workflow\'s own test URL', async () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: 'https://n8n.example.test/webhook-test/abc/webhook?token=t' }];
			const { call } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
			await call('create');
			await call('delete');
			expect(optimove.listeners).toEqual([]);
		});
	});

	describe('re-publishing (n8n calls delete, then checkExists and create)', () => {
		const republish = async (call: (name: 'checkExists' | 'create' | 'delete') => Promise<boolean>) => {
			await call('delete');
			if (!(await call('checkExists'))) await call('create');
		};

		it('between unregistering and registering again, asks Optimove once and registers every slot at once', async () => {
			const optimove = new FakeOptimove();
			const { call } = hookContext(optimove, { params: listenerParams([5, 13, 1]) });
			await call('create');
			const before = optimove.listeners.map((l) => ({ ...l }));
			optimove.calls = [];
			optimove.maxInFlight = 0;
			await call('delete');
			expect(optimove.maxInFlight).toBe(3);
			const unregistered = optimove.calls.length;
			optimove.maxInFlight = 0;
			expect(await call('checkExists')).toBe(false);
			await call('create');
			expect(optimove.calls.slice(unregistered)).toEqual([
				'GET /General/GetRegisteredEventListeners',
				'POST /General/RegisterEventListener',
				'POST /General/RegisterEventListener',
				'POST /General/RegisterEventListener',
			]);
			expect(optimove.maxInFlight).toBe(3);
			expect(optimove.listeners).toEqual(before);
		});

		it('after a delete that is no longer fresh (a crash, a later publish), checkExists asks Optimove again', async () => {
			const optimove = new FakeOptimove();
			const { call } = hookContext(optimove, { params: listenerParams([5]) });
			await call('create');
			await call('delete');
			clock.advance(5_000);
			optimove.calls = [];
			expect(await call('checkExists')).toBe(false);
			expect(optimove.calls).toEqual(['GET /General/GetRegisteredEventListeners']);
		});

		it('does not trust a delete mark from the future (another main whose clock is ahead)', async () => {
			const optimove = new FakeOptimove();
			const { call, staticData } = hookContext(optimove, { params: listenerParams([5]) });
			await call('create');
			(staticData.production as IDataObject).releasedAt = clock.state.now + 60_000;
			optimove.calls = [];
			expect(await call('checkExists')).toBe(true);
			expect(optimove.calls).toEqual(['GET /General/GetRegisteredEventListeners']);
		});

		it('keeps the token, so the URL Optimove calls does not change', async () => {
			const optimove = new FakeOptimove();
			const { call } = hookContext(optimove, { params: listenerParams([5]) });
			await call('create');
			const url = optimove.listeners[0].ListenerURL;
			await republish(call);
			expect(optimove.listeners).toEqual([{ EventTypeID: 5, ChannelID: null, ListenerURL: url }]);
		});

		it('a slot taken over is given back by delete and taken again by create, remembering whom to give it back to', async () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }];
			const { call } = hookContext(optimove, { params: listenerParams([4], { replaceExisting: true }) });
			await call('create');
			await republish(call);
			expect(optimove.listeners[0].ListenerURL.startsWith(`${URL}?token=`)).toBe(true);
			await call('delete');
			expect(optimove.listeners).toEqual([{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN }]);
		});

		it('a partial failure while registering all slots at once still rolls back the others', async () => {
			const optimove = new FakeOptimove();
			const { call } = hookContext(optimove, { params: listenerParams([5, 13, 1]) });
			await call('create');
			await call('delete');
			optimove.failRegisterFor = 13;
			await expect(call('create')).rejects.toThrow(/^Registering "Campaign Executed on Channel" \(type 13, channel 505\) failed/);
			expect(optimove.listeners).toEqual([]);
		});
	});

	describe('test URLs ("listen for test event")', () => {
		const TEST_URL = 'https://n8n.example.test/webhook-test/abc/webhook';

		it('register the test URL with its own token, kept apart from production', async () => {
			const optimove = new FakeOptimove();
			const { call, staticData } = hookContext(optimove, { params: listenerParams([5]), mode: 'manual', webhookUrl: TEST_URL });
			await call('create');
			const token = tokenOf(optimove.listeners[0].ListenerURL) as string;
			expect(optimove.listeners[0].ListenerURL).toBe(`${TEST_URL}?token=${token}`);
			expect(staticData.test).toMatchObject({ tokenHash: sha256(token) });
			expect(staticData.production).toBeUndefined();
			await call('delete');
			expect(optimove.listeners).toEqual([]);
		});

		it('with Replace on, take a slot for the test and give it back to its holder afterwards', async () => {
			const optimove = new FakeOptimove();
			const production = `${URL}?token=abc`;
			optimove.listeners = [
				{ EventTypeID: 5, ChannelID: null, ListenerURL: production },
				{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
			];
			const params = listenerParams([5, 4, 2], { replaceExisting: true });
			const { call } = hookContext(optimove, { params, mode: 'manual', webhookUrl: TEST_URL });
			await call('create');
			expect(optimove.listeners.every((l) => l.ListenerURL.startsWith(`${TEST_URL}?token=`))).toBe(true);
			await call('delete');
			expect(optimove.listeners).toEqual([
				{ EventTypeID: 5, ChannelID: null, ListenerURL: production },
				{ EventTypeID: 4, ChannelID: null, ListenerURL: FOREIGN },
			]);
		});

		it('never unregister the published workflow\'s slots when the test ends', async () => {
			const optimove = new FakeOptimove();
			const prod = hookContext(optimove, { params: listenerParams([5]) });
			await prod.call('create');
			const published = optimove.listeners[0].ListenerURL;
			const test = hookContext(optimove, { params: listenerParams([5, 3]), mode: 'manual', webhookUrl: TEST_URL, staticData: prod.staticData });
			await expect(test.call('create')).rejects.toThrow(/This workflow is published/);
			await test.call('delete');
			expect(optimove.listeners).toEqual([{ EventTypeID: 5, ChannelID: null, ListenerURL: published }]);
		});

		it('refuse to take the slot from the published workflow, saying so', async () => {
			const optimove = new FakeOptimove();
			optimove.listeners = [{ EventTypeID: 5, ChannelID: null, ListenerURL: `${URL}?token=abc` }];
			const { call } = hookContext(optimove, { params: listenerParams([5]), mode: 'manual', webhookUrl: TEST_URL });
			await expect(call('create')).rejects.toThrow(/This workflow is published/);
			expect(optimove.listeners[0].ListenerURL).toBe(`${URL}?token=abc`);
		});
	});
});

describe('Optimove Trigger lifecycle: triggered conditional execution', () => {
	const params = (options: IDataObject = {}) => ({ source: 'triggeredConditionalExecution', options });

	it('creates one webhook with the tokened URL, checks it exists, deletes it', async () => {
		const optimove = new FakeOptimove();
		const { call, staticData } = hookContext(optimove, { params: params() });
		expect(await call('checkExists')).toBe(false);
		await call('create');
		const scope = staticData.production as IDataObject;
		const token = tokenOf(optimove.webhooks[0].url) as string;
		expect(optimove.webhooks).toEqual([{ id: 'webhook1', url: `${URL}?token=${token}` }]);
		expect(scope.tokenHash).toBe(sha256(token));
		expect(scope.webhookId).toBe('webhook1');
		expect(await call('checkExists')).toBe(true);
		await call('delete');
		expect(optimove.webhooks).toEqual([]);
		expect(scope.webhookId).toBeUndefined();
	});

	it('removes stale webhooks of this node (lost static data) and never touches others', async () => {
		const optimove = new FakeOptimove();
		optimove.webhooks = [
			{ id: 'old', url: `${URL}?token=lost` },
			{ id: 'other', url: 'https://vendor.example.test/approve' },
		];
		const { call } = hookContext(optimove, { params: params() });
		await call('create');
		expect(optimove.webhooks.map((w) => w.id)).toEqual(['other', 'webhook1']);
	});

	it('delete counts a webhook already gone as deleted', async () => {
		const optimove = new FakeOptimove();
		const { call, staticData } = hookContext(optimove, { params: params() });
		await call('create');
		optimove.webhooks = [];
		expect(await call('delete')).toBe(true);
		expect((staticData.production as IDataObject).webhookId).toBeUndefined();
	});

	it('re-publishing (delete, then checkExists and create) creates the webhook with one call, the same URL', async () => {
		const optimove = new FakeOptimove();
		const { call } = hookContext(optimove, { params: params({ pushSettings: true }) });
		await call('create');
		const url = optimove.webhooks[0].url;
		await call('delete');
		optimove.calls = [];
		expect(await call('checkExists')).toBe(false);
		await call('create');
		expect(optimove.calls).toEqual(['POST /conditional-execution/v2/triggered/webhooks/', 'PUT /conditional-execution/v2/triggered/settings']);
		expect(optimove.webhooks).toEqual([{ id: 'webhook2', url }]);
		expect(await call('checkExists')).toBe(true);
	});

	it('a create long after the delete looks for stale webhooks first, as on a first publish', async () => {
		const optimove = new FakeOptimove();
		const { call } = hookContext(optimove, { params: params() });
		await call('create');
		await call('delete');
		clock.advance(5_000);
		optimove.webhooks.push({ id: 'left', url: `${URL}?token=lost` });
		await call('create');
		expect(optimove.webhooks.map((w) => w.id)).toEqual(['webhook2']);
	});

	it('pushes the secret and timeout only when asked, and refuses without a secret', async () => {
		const optimove = new FakeOptimove();
		await hookContext(optimove, { params: params() }).call('create');
		expect(optimove.settings).toEqual({});
		const pushing = new FakeOptimove();
		await hookContext(pushing, { params: params({ pushSettings: true, timeoutMs: 4000 }) }).call('create');
		expect(pushing.settings).toEqual({ timeout: 4000, secret: fakeSecret('webhook-secret') });
		const noSecret = hookContext(new FakeOptimove(), { params: params({ pushSettings: true }), credentials: { webhookSecret: '' } });
		await expect(noSecret.call('create')).rejects.toThrow(/has no Webhook Signing Secret/);
	});
});
