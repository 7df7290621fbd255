import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCredentials, node } from '../../../tools/n8n/fixtures.mjs';
import { startN8n } from '../../../tools/n8n/index.mjs';

// n8n 2.x's default publication (its publication service), in an n8n of its own: the run's main n8n
// publishes synchronously (tools/n8n/process.mjs, PUBLICATION_ENV, says why). Publishing answers 200 at once and a
// background pass on the leader registers the triggers, retrying a failing create() up to 5 times
// (1 + 2 + 4 + 8 s apart; each attempt runs checkExists, create and a cleanup delete). A failure
// reaches the user only as error.message: GET /rest/workflows/{id}/publication-status, the "Failed
// publish" badge in the workflow list and a toast in the editor; the public API keeps `active: true`.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const CHANNEL = 909;
const FOREIGN = `https://crm.example.test/optimove/processed-${CHANNEL}`;
const LISTENER_CALL = /^(GET \/General\/GetRegisteredEventListeners|POST \/General\/(Register|Unregister)EventListener)$/;
const WRITE_CALL = /^POST \/General\/(Register|Unregister)EventListener$/;

function triggerWorkflow(name, webhookId, parameters, credential) {
	return { name, nodes: [node('Optimove Trigger', TRIGGER, parameters, { credential, webhookId, typeVersion: 1.1 })], connections: {} };
}

export function register(ctx) {
	describe("Optimove Trigger with n8n's default (asynchronous) publication", () => {
		let n8n;
		let credential;
		const slotUrl = (type) => ctx.sandbox.listListeners().find((s) => s.EventTypeID === type && s.ChannelID === CHANNEL)?.ListenerURL;
		const listenerCallsSince = (since) =>
			ctx.sandbox.state.recentRequests
				.toArray()
				.filter((r) => r.atMs >= since)
				.map((r) => `${r.method} ${r.path}`)
				.filter((call) => LISTENER_CALL.test(call));

		before(async () => {
			n8n = await startN8n({ quiet: !process.env.E2E_VERBOSE, publication: 'default', install: ctx.install });
			credential = (await createCredentials(n8n, ctx.sandbox)).optimoveApi;
		});
		after(async () => {
			await n8n?.stop();
			for (const type of [1, 13]) ctx.sandbox.removeListener(type, CHANNEL, 'e2e cleanup');
		});

		it('publishing registers in the background: publication-status goes from in_progress to published', async () => {
			const id = await n8n.createWorkflow(triggerWorkflow('default publication: plain', 'e2e-default-pub', { source: 'eventListeners', events: [13], channelId: CHANNEL }, credential));
			const answer = await n8n.publish(id);
			assert.equal(answer.active, true);
			const published = await n8n.waitForPublication(id);
			assert.equal(published.status, 'published', JSON.stringify(published));
			assert.deepEqual(
				published.triggers.map((t) => t.status),
				['activated'],
			);
			assert.match(slotUrl(13) ?? '', /\/webhook\/e2e-default-pub\/webhook\?token=[0-9a-f]{64}$/);

			await n8n.unpublish(id);
			assert.equal((await n8n.waitForPublication(id)).status, 'not_published');
			assert.equal(slotUrl(13), undefined, 'unpublishing unregisters');
		});

		describe('a slot held by another system', () => {
			let id;
			let publishedAt;
			let refused;
			before(async () => {
				ctx.sandbox.seedListener({ EventTypeID: 1, ChannelID: CHANNEL, ListenerURL: FOREIGN });
				id = await n8n.createWorkflow(triggerWorkflow('default publication: foreign slot', 'e2e-default-pub-foreign', { source: 'eventListeners', events: [1], channelId: CHANNEL }, credential));
			});
			after(async () => {
				await n8n.unpublish(id).catch(() => undefined);
			});

			it('publishing answers 200 and shows the workflow as published; publication-status then says failed, with our message', async (t) => {
				publishedAt = Date.now();
				const answer = await n8n.publish(id);
				assert.equal(answer.active, true, 'n8n accepts the publish');
				refused = await n8n.waitForPublication(id);
				const seconds = (Date.now() - publishedAt) / 1000;
				assert.equal(refused.status, 'failed', JSON.stringify(refused));
				assert.equal(refused.triggers.length, 1);
				const { errorMessage } = refused.triggers[0];
				assert.equal(
					errorMessage,
					`Optimove's listener slot is held by another URL: "Campaign Processed" (type 1, channel ${CHANNEL}) → ${FOREIGN}. If it is stale, remove it (Optimove node → Event Listener → Unregister); to take it over, switch on "Replace Existing Listeners". Then publish again.`,
				);
				assert.equal((await n8n.api('GET', `/workflows/${id}`)).active, true, 'the public API still says active');
				assert.equal(slotUrl(1), FOREIGN, 'the foreign URL keeps its slot');
				t.diagnostic(`publish → publication-status "failed" after ${seconds.toFixed(1)} s (n8n's whole retry pass)`);
			});

			it("the whole retry pass reads Optimove's listeners once (n8n runs 5 attempts of checkExists + create + delete)", async (t) => {
				const calls = listenerCallsSince(publishedAt);
				t.diagnostic(`listener calls during the refused publication: ${calls.length} (${calls.join(', ')})`);
				// nodes/OptimoveTrigger/refusalMemo.ts: the first create reads and refuses; the other checkExists,
				// create and delete calls of the pass know the answer (bench/refused-publish.mjs: 11 without it).
				assert.deepEqual(calls, ['GET /General/GetRegisteredEventListeners']);
			});

			it('once the slot is freed, publishing again registers at once', async (t) => {
				ctx.sandbox.removeListener(1, CHANNEL, 'the other system let go');
				const since = Date.now();
				await n8n.publish(id);
				const state = await n8n.waitForPublication(id);
				const seconds = (Date.now() - since) / 1000;
				assert.equal(state.status, 'published', JSON.stringify(state));
				assert.match(slotUrl(1) ?? '', /\/webhook\/e2e-default-pub-foreign\/webhook\?token=[0-9a-f]{64}$/);
				const calls = listenerCallsSince(since);
				assert.deepEqual(
					calls.filter((c) => WRITE_CALL.test(c)),
					['POST /General/RegisterEventListener'],
					'registered on the first attempt: the refusal of the earlier publish is not remembered',
				);
				t.diagnostic(`re-publish → published in ${seconds.toFixed(1)} s; listener calls: ${calls.join(', ')}`);
				await n8n.unpublish(id);
				assert.equal((await n8n.waitForPublication(id)).status, 'not_published');
				assert.equal(slotUrl(1), undefined);
			});
		});
	});
}
