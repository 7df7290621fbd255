import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { node } from '../../../tools/n8n/fixtures.mjs';
import { N8N_PROFILE } from '../../../tools/n8n/index.mjs';

// The trigger's registration lifecycle beyond a plain publish/unpublish, seen at the sandbox:
// giving a taken-over slot back on unpublish, re-publishing, and the URL token kept out of what
// n8n shows of a workflow.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const FOREIGN = 'https://crm.example.test/optimove/all-processed';
const FOREIGN_CHANNEL = 'https://crm.example.test/optimove/realtime-505';
const THIRD = 'https://other-vendor.example.test/optimove/all-processed';

function triggerWorkflow(name, webhookId, parameters, credential) {
	return { name, nodes: [node('Optimove Trigger', TRIGGER, parameters, { credential, webhookId, typeVersion: 1.1 })], connections: {} };
}

export function register(ctx) {
	describe('Optimove Trigger: unpublishing a slot taken over with "Replace Existing Listeners"', () => {
		const slot = (type, channel = null) => ctx.sandbox.listListeners().find((s) => s.EventTypeID === type && s.ChannelID === channel)?.ListenerURL;
		const ours = (webhookId) => new RegExp(`/webhook/${webhookId}/webhook\\?token=`);
		let restoring;
		let leaving;
		before(async () => {
			ctx.sandbox.seedListener({ EventTypeID: 2, ListenerURL: FOREIGN });
			ctx.sandbox.seedListener({ EventTypeID: 11, ChannelID: 505, ListenerURL: FOREIGN_CHANNEL });
			const credential = ctx.credentials.optimoveApi;
			const parameters = { source: 'eventListeners', events: [2, 11], channelId: 505, replaceExisting: true };
			restoring = await ctx.n8n.createWorkflow(triggerWorkflow('replace, restore on unpublish', 'e2e-replace-restore', parameters, credential));
			leaving = await ctx.n8n.createWorkflow(
				triggerWorkflow('replace, leave empty', 'e2e-replace-leave', { ...parameters, onUnpublish: 'leaveEmpty' }, credential),
			);
		});
		after(async () => {
			for (const id of [restoring, leaving]) await ctx.n8n.unpublish(id).catch(() => undefined);
			ctx.sandbox.removeListener(2, null, 'e2e cleanup');
			ctx.sandbox.removeListener(11, 505, 'e2e cleanup');
		});

		it('by default, unpublishing gives each slot back to the URL it replaced', async () => {
			await ctx.n8n.publish(restoring);
			assert.match(slot(2), ours('e2e-replace-restore'));
			assert.match(slot(11, 505), ours('e2e-replace-restore'));
			await ctx.n8n.unpublish(restoring);
			assert.equal(slot(2), FOREIGN);
			assert.equal(slot(11, 505), FOREIGN_CHANNEL);
		});

		it('a slot someone else took meanwhile stays theirs, and the n8n log says the replaced URL was not restored', async () => {
			await ctx.n8n.publish(restoring);
			ctx.sandbox.seedListener({ EventTypeID: 2, ListenerURL: THIRD, by: 'other-vendor' });
			await ctx.n8n.unpublish(restoring);
			assert.equal(slot(2), THIRD, 'the newcomer keeps the slot');
			assert.equal(slot(11, 505), FOREIGN_CHANNEL, 'the untouched slot is given back');
			assert.match(ctx.n8n.logs(), new RegExp(`now points at ${THIRD.replace(/[.]/g, '\\.')}; left untouched, so the replaced listener ${FOREIGN.replace(/[.]/g, '\\.')} was NOT restored`));
		});

		it('"On Unpublish: Leave Slot Empty" unregisters and restores nothing', async () => {
			await ctx.n8n.publish(leaving);
			assert.match(slot(2), ours('e2e-replace-leave'));
			await ctx.n8n.unpublish(leaving);
			assert.equal(slot(2), undefined);
			assert.equal(slot(11, 505), undefined);
		});
	});
	const republishSkip = N8N_PROFILE.republishReregisters ? false : 'n8n 1.x: activating an active workflow again registers nothing anew';
	describe('Optimove Trigger: re-publishing a published workflow (n8n: delete, then checkExists + create)', { skip: republishSkip }, () => {
		const LISTENER_PATH = 'e2e-republish-listeners';
		const TRIGGERED_PATH = 'e2e-republish-triggered';
		const SLOTS = [
			[1, 606],
			[2, null],
		];
		let listener;
		let triggered;
		const slotUrl = (type, channel) => ctx.sandbox.listListeners().find((s) => s.EventTypeID === type && s.ChannelID === channel)?.ListenerURL;
		const ourHooks = () => [...ctx.sandbox.state.webhooks.values()].filter((w) => w.url.includes(`/webhook/${TRIGGERED_PATH}/`));
		const requestsSince = (since) => ctx.sandbox.state.recentRequests.toArray().filter((r) => r.atMs >= since).map((r) => `${r.method} ${r.path}`);
		/** The requests strictly after the last one matching `last` and before the first one after it matching `next`. */
		function between(requests, last, next) {
			const from = requests.findLastIndex((r) => last.test(r));
			const to = requests.findIndex((r, i) => i > from && next.test(r));
			assert.ok(from !== -1 && to !== -1, `both ${last} and ${next} seen in ${JSON.stringify(requests)}`);
			return requests.slice(from + 1, to);
		}
		before(async () => {
			const credential = ctx.credentials.optimoveApi;
			listener = await ctx.n8n.createWorkflow(triggerWorkflow('re-publish: listeners', LISTENER_PATH, { source: 'eventListeners', events: [1, 2], channelId: 606 }, credential));
			triggered = await ctx.n8n.createWorkflow(triggerWorkflow('re-publish: triggered', TRIGGERED_PATH, { source: 'triggeredConditionalExecution', options: {} }, credential));
			await ctx.n8n.publish(listener);
			await ctx.n8n.publish(triggered);
		});
		after(async () => {
			for (const id of [listener, triggered]) await ctx.n8n.unpublish(id).catch(() => undefined);
		});

		it('listeners: every slot is released and registered again with the same URL, with one read of Optimove in between', async (t) => {
			const before = SLOTS.map(([type, channel]) => slotUrl(type, channel));
			assert.ok(before.every((url) => url?.includes(`/webhook/${LISTENER_PATH}/webhook?token=`)));
			const since = Date.now();
			await ctx.n8n.publish(listener);
			const gaps = [];
			for (const [i, [type, channel]] of SLOTS.entries()) {
				const changes = ctx.sandbox.state.listenerHistory.filter((h) => h.atMs >= since && h.EventTypeID === type && h.ChannelID === channel);
				assert.deepEqual(
					changes.map((h) => [h.action, h.ListenerURL]),
					[
						['unregister', null],
						['register', before[i]],
					],
					`slot ${type}/${channel}: n8n's delete, then create, with the same URL`,
				);
				gaps.push(`${type}/${channel ?? '-'} ${changes[1].atMs - changes[0].atMs} ms`);
			}
			const requests = requestsSince(since);
			assert.deepEqual(
				between(requests, /^POST \/General\/UnregisterEventListener$/, /^POST \/General\/RegisterEventListener$/),
				['GET /General/GetRegisteredEventListeners'],
				'between the last unregister and the first register: one read (create checks for foreign holders), no checkExists round trip',
			);
			t.diagnostic(`re-publish gap per slot (no URL at Optimove): ${gaps.join(', ')}`);
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 2 });
			assert.equal(fired.status, 200, 'the URL Optimove holds still works');
		});

		it('triggered: the webhook is deleted and created again with the same URL, with no other call in between', async (t) => {
			const [hook] = ourHooks();
			assert.ok(hook);
			const since = Date.now();
			await ctx.n8n.publish(triggered);
			const changes = ctx.sandbox.state.webhookHistory.filter((h) => h.at >= since && h.url === hook.url);
			assert.deepEqual(
				changes.map((h) => h.action),
				['delete', 'create'],
			);
			assert.deepEqual(
				ourHooks().map((h) => h.url),
				[hook.url],
				'exactly one webhook of this node, same URL',
			);
			const requests = requestsSince(since);
			assert.deepEqual(between(requests, /^DELETE \/conditional-execution\/v2\/triggered\/webhooks\//, /^POST \/conditional-execution\/v2\/triggered\/webhooks$/), []);
			t.diagnostic(`re-publish gap (no webhook at Optimove): ${changes[1].at - changes[0].at} ms`);
			const batch = await ctx.sandbox.fireTriggered({ count: 1, mode: 'signed', urls: [hook.url] });
			assert.deepEqual(batch.byStatus, { 200: 1 });
		});

		it('unpublishing afterwards still removes exactly these registrations', async () => {
			for (const id of [listener, triggered]) await ctx.n8n.unpublish(id);
			for (const [type, channel] of SLOTS) assert.equal(slotUrl(type, channel), undefined);
			assert.deepEqual(ourHooks(), []);
		});
	});

	describe('Optimove Trigger: the URL token is not readable from the workflow (issue 13)', () => {
		const sha256 = (text) => createHash('sha256').update(text).digest('hex');
		const tokenOf = (url) => /[?&]token=([0-9a-f]+)/.exec(url)?.[1];
		let scratch;
		before(() => {
			scratch = mkdtempSync(path.join(os.tmpdir(), 'optimove-e2e-token-'));
		});
		after(() => rmSync(scratch, { recursive: true, force: true }));

		/** What n8n gives someone who may read the workflow: public API, editor API, CLI export. */
		async function readableCopies(id) {
			const file = path.join(scratch, `${id}.json`);
			await ctx.n8n.cli(['export:workflow', `--id=${id}`, `--output=${file}`]);
			return {
				'GET /api/v1/workflows/{id}': JSON.stringify(await ctx.n8n.api('GET', `/workflows/${id}`)),
				'GET /rest/workflows/{id} (the editor, its download)': JSON.stringify(await ctx.n8n.rest('GET', `/workflows/${id}`)),
				'n8n export:workflow': readFileSync(file, 'utf8'),
			};
		}

		it('listeners and the triggered webhook: the token in the registered URL appears in no read or export, its hash does', async () => {
			const credential = ctx.credentials.optimoveApi;
			const cases = [
				{ path: 'e2e-token-listeners', parameters: { source: 'eventListeners', events: [1], channelId: 707 }, url: () => slotUrl1(707) },
				{ path: 'e2e-token-triggered', parameters: { source: 'triggeredConditionalExecution', options: {} }, url: () => [...ctx.sandbox.state.webhooks.values()].find((w) => w.url.includes('/e2e-token-triggered/'))?.url },
			];
			function slotUrl1(channel) {
				return ctx.sandbox.listListeners().find((s) => s.EventTypeID === 1 && s.ChannelID === channel)?.ListenerURL;
			}
			for (const c of cases) {
				const id = await ctx.n8n.createWorkflow(triggerWorkflow(`token: ${c.path}`, c.path, c.parameters, credential));
				try {
					const published = JSON.stringify(await ctx.n8n.publish(id));
					const token = tokenOf(c.url() ?? '');
					assert.match(token ?? '', /^[0-9a-f]{64}$/, `${c.path}: registered with a token`);
					assert.ok(!published.includes(token), `${c.path}: token in the publish answer`);
					for (const [where, text] of Object.entries(await readableCopies(id))) {
						assert.ok(!text.includes(token), `${c.path}: token readable through ${where}`);
						if (!where.startsWith('GET /rest')) assert.ok(text.includes(sha256(token)), `${c.path}: ${where} carries the static data (the token's hash)`);
					}
				} finally {
					await ctx.n8n.unpublish(id);
				}
			}
		});

		it("a registration made by the previous version (plain token in static data) keeps working after the upgrade, and the plain token leaves static data on publish", async () => {
			const LEGACY = 'e'.repeat(64);
			const webhookPath = 'e2e-token-legacy';
			const legacyUrl = `${ctx.n8n.webhookUrl(`${webhookPath}/webhook`)}?token=${LEGACY}`;
			ctx.sandbox.seedListener({ EventTypeID: 1, ChannelID: 808, ListenerURL: legacyUrl, by: 'api' });
			const workflow = {
				id: 'e2eTokenLegacy01',
				...triggerWorkflow('token: previous version', webhookPath, { source: 'eventListeners', events: [1], channelId: 808 }, ctx.credentials.optimoveApi),
				active: false,
				settings: { executionOrder: 'v1' },
				staticData: { 'node:Optimove Trigger': { production: { token: LEGACY, slots: [{ eventTypeId: 1, channelId: 808 }] } } },
			};
			const file = path.join(scratch, 'legacy.json');
			writeFileSync(file, JSON.stringify(workflow));
			await ctx.n8n.cli(['import:workflow', `--input=${file}`]);
			const since = Date.now();
			await ctx.n8n.publish(workflow.id);
			try {
				assert.deepEqual(
					ctx.sandbox.state.listenerHistory.filter((h) => h.atMs >= since && h.EventTypeID === 1 && h.ChannelID === 808),
					[],
					'the registration is kept as it is',
				);
				const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 1, channelId: 808 });
				assert.equal(fired.status, 200, 'the URL registered by the previous version is accepted');
				const [run] = await ctx.n8n.waitForExecutions(workflow.id, 1);
				assert.equal(run.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json.eventTypeId, 1);
				for (const [where, text] of Object.entries(await readableCopies(workflow.id))) assert.ok(!text.includes(LEGACY), `plain token still readable through ${where}`);
			} finally {
				await ctx.n8n.unpublish(workflow.id);
			}
			assert.equal(ctx.sandbox.listListeners().find((s) => s.EventTypeID === 1 && s.ChannelID === 808), undefined, 'unpublish removes it');
		});
	});
}
