import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { node, SANDBOX_API_KEY } from '../../../tools/n8n/fixtures.mjs';

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const FOREIGN_URL = 'https://crm.example.test/optimove/hook';

/** typeVersion 1.1 is what new nodes get; 1 (the default here) must keep working. */
function triggerWorkflow(name, webhookId, parameters, credential, typeVersion = 1) {
	return {
		name,
		nodes: [node('Optimove Trigger', TRIGGER, parameters, { credential, webhookId, typeVersion })],
		connections: {},
	};
}

/** Publishing registers, Optimove's calls become executions only when legitimate, unpublishing unregisters. */
export function register(ctx) {
	describe('Optimove Trigger: event listeners', () => {
		let workflowId;
		before(async () => {
			// A foreign vendor holds the type-4 slot; the trigger must never touch it.
			ctx.sandbox.seedListener({ EventTypeID: 4, ListenerURL: FOREIGN_URL });
			workflowId = await ctx.n8n.createWorkflow(
				triggerWorkflow('listeners', 'e2e-listeners', { source: 'eventListeners', events: [5, 13], channelId: 505 }, ctx.credentials.optimoveApi),
			);
		});
		after(async () => {
			await ctx.n8n.unpublish(workflowId).catch(() => undefined);
		});

		it('publishing registers this workflow for every selected slot, with a token', async () => {
			await ctx.n8n.publish(workflowId);
			const slots = ctx.sandbox.listListeners();
			const five = slots.find((s) => s.EventTypeID === 5);
			const thirteen = slots.find((s) => s.EventTypeID === 13 && s.ChannelID === 505);
			assert.ok(five, 'type 5 registered');
			assert.equal(five.ChannelID, null, 'type 5 never takes a channel');
			assert.match(five.ListenerURL, /\/webhook\/e2e-listeners\/webhook\?token=[0-9a-f]{64}$/);
			assert.equal(thirteen?.ListenerURL, five.ListenerURL);
		});

		it("Optimove's listener calls become executions that say which event they are", async () => {
			const five = await ctx.sandbox.fireListenerEvent({ eventTypeId: 5 });
			const thirteen = await ctx.sandbox.fireListenerEvent({ eventTypeId: 13, channelId: 505 });
			assert.equal(five.status, 200);
			assert.equal(thirteen.status, 200);
			const executions = await ctx.n8n.waitForExecutions(workflowId, 2);
			const outputs = executions.map((e) => e.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json);
			const byType = Object.fromEntries(outputs.map((o) => [o.eventTypeId, o]));
			assert.equal(byType[5].eventType, 'Scheduled Conditional Execution');
			assert.match(byType[5].clearanceRequiredBy, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
			assert.equal(typeof byType[5].msUntilClearance, 'number');
			assert.equal(byType[5].body.ClearanceRequiredBy, five.payload.ClearanceRequiredBy, 'payload passed through');
			assert.equal(byType[13].eventType, 'Campaign Executed on Channel');
			assert.equal(byType[13].channelId, 505);
		});

		it('a call without the right token is refused with 401 and starts nothing', async () => {
			const before = (await ctx.n8n.executions(workflowId)).length;
			const url = ctx.n8n.webhookUrl('e2e-listeners/webhook');
			const body = JSON.stringify({ EventTypeID: 5, TimeStamp: '2026-11-22 09:00:00', CampaignID: 1 });
			for (const suffix of ['', '?token=', `?token=${'0'.repeat(64)}`]) {
				const res = await fetch(url + suffix, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
				assert.equal(res.status, 401, `token variant "${suffix}"`);
			}
			const slot = ctx.sandbox.listListeners().find((s) => s.EventTypeID === 5);
			// n8n's own JSON parser refuses malformed application/json with 422 before the node runs;
			// with any other content type the node reads the raw bytes and answers 400.
			const asJson = await fetch(slot.ListenerURL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"EventTypeID": 5,' });
			assert.ok([400, 422].includes(asJson.status), `malformed JSON → ${asJson.status}`);
			const asText = await fetch(slot.ListenerURL, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"EventTypeID": 5,' });
			assert.equal(asText.status, 400, 'malformed body with the right token → 400');
			const empty = await fetch(slot.ListenerURL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
			assert.equal(empty.status, 400, 'empty body → 400');
			await new Promise((resolve) => setTimeout(resolve, 500));
			assert.equal((await ctx.n8n.executions(workflowId)).length, before);
		});

		it("a slot held by another system's URL is refused by name, and left untouched", async () => {
			const id = await ctx.n8n.createWorkflow(
				triggerWorkflow('foreign slot', 'e2e-foreign', { source: 'eventListeners', events: [4] }, ctx.credentials.optimoveApi),
			);
			await assert.rejects(ctx.n8n.publish(id), (error) => {
				assert.match(error.message, new RegExp(FOREIGN_URL.replace(/[.]/g, '\\.')));
				return true;
			});
			assert.equal(ctx.sandbox.listListeners().find((s) => s.EventTypeID === 4).ListenerURL, FOREIGN_URL);
		});

		it('unpublishing unregisters its slots and nothing else', async () => {
			await ctx.n8n.unpublish(workflowId);
			const slots = ctx.sandbox.listListeners();
			assert.equal(slots.find((s) => s.EventTypeID === 5), undefined);
			assert.equal(slots.find((s) => s.EventTypeID === 13), undefined);
			assert.equal(slots.find((s) => s.EventTypeID === 4)?.ListenerURL, FOREIGN_URL);
		});
	});

	describe('Optimove Trigger: "listen for test event"', () => {
		const waitFor = async (check, what, timeoutMs = 20_000) => {
			const until = Date.now() + timeoutMs;
			for (;;) {
				const value = await check();
				if (value) return value;
				if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		};
		const slot3 = () => ctx.sandbox.listListeners().find((s) => s.EventTypeID === 3);

		it('registers the test URL for the test window, turns the event into a run, then gives the slot up', async () => {
			const id = await ctx.n8n.createWorkflow(
				triggerWorkflow('test mode', 'e2e-test-mode', { source: 'eventListeners', events: [3] }, ctx.credentials.optimoveApi, 1.1),
			);
			const started = await ctx.n8n.startRun(id, { trigger: 'Optimove Trigger' });
			assert.equal(started?.waitingForWebhook, true, `n8n waits for the test event: ${JSON.stringify(started)}`);
			const registered = await waitFor(slot3, 'the test registration');
			assert.match(registered.ListenerURL, /\/webhook-test\/e2e-test-mode\/webhook\?token=[0-9a-f]{64}$/);
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 3 });
			assert.equal(fired.status, 200);
			const [run] = await ctx.n8n.waitForExecutions(id, 1);
			assert.equal(run.mode, 'manual');
			assert.equal(run.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json.eventType, 'Daily Process Completed');
			await waitFor(() => !slot3(), 'the test registration to be removed');
		});
	});

	describe('Optimove Trigger: triggered conditional execution', () => {
		let workflowId;
		before(async () => {
			workflowId = await ctx.n8n.createWorkflow(
				triggerWorkflow('triggered', 'e2e-triggered', { source: 'triggeredConditionalExecution', options: {} }, ctx.credentials.optimoveApi, 1.1),
			);
			await ctx.n8n.publish(workflowId);
		});
		after(async () => {
			await ctx.n8n.unpublish(workflowId).catch(() => undefined);
		});

		it('publishing creates one webhook', async () => {
			const res = await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks/`, { headers: { 'X-API-KEY': 'sandbox-api-key' } });
			const hooks = (await res.json()).filter((h) => h.url.includes('/webhook/e2e-triggered/'));
			assert.equal(hooks.length, 1);
		});

		it('only signed notifications become executions; unsigned, forged and tampered ones get 401', async () => {
			const signed = await ctx.sandbox.fireTriggered({ count: 3, mode: 'signed' });
			const unsigned = await ctx.sandbox.fireTriggered({ count: 2, mode: 'unsigned' });
			const forged = await ctx.sandbox.fireTriggered({ count: 2, mode: 'forged' });
			const tampered = await ctx.sandbox.fireTriggered({ count: 2, mode: 'tampered' });
			assert.deepEqual(signed.byStatus, { 200: 3 });
			for (const batch of [unsigned, forged, tampered]) assert.deepEqual(batch.byStatus, { 401: 2 }, batch.mode);
			const executions = await ctx.n8n.waitForExecutions(workflowId, 3);
			await new Promise((resolve) => setTimeout(resolve, 500));
			assert.equal((await ctx.n8n.executions(workflowId)).length, 3);
			const output = executions[0].data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json;
			assert.equal(output.signatureVerified, true);
			assert.equal(typeof output.requestUid, 'string');
			assert.equal(typeof output.userId, 'string');
			assert.match(output.approvalDeadline, /Z$/);
		});

		it('unpublishing deletes the webhook', async () => {
			await ctx.n8n.unpublish(workflowId);
			const res = await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks/`, { headers: { 'X-API-KEY': 'sandbox-api-key' } });
			assert.equal((await res.json()).filter((h) => h.url.includes('/webhook/e2e-triggered/')).length, 0);
		});
	});

	describe('Optimove Trigger: triggered, no signing secret on the credential', () => {
		let workflowId;
		before(async () => {
			const spec = {
				name: 'Optimove (sandbox, no signing secret)',
				type: 'optimoveApi',
				data: { baseUrl: ctx.sandbox.url, apiKey: SANDBOX_API_KEY, webhookSecret: '', promotionsBaseUrl: '', restRateLimit: 50, realtimeRateLimit: 0 },
			};
			const credential = { id: await ctx.n8n.createCredential(spec), name: spec.name, type: spec.type };
			workflowId = await ctx.n8n.createWorkflow(
				triggerWorkflow('triggered unsigned', 'e2e-triggered-nosecret', { source: 'triggeredConditionalExecution', options: {} }, credential, 1.1),
			);
			await ctx.n8n.publish(workflowId);
		});
		after(async () => {
			await ctx.n8n.unpublish(workflowId).catch(() => undefined);
		});

		it('accepts notifications but marks every one as NOT verified', async () => {
			const batch = await ctx.sandbox.fireTriggered({ count: 2, mode: 'unsigned' });
			assert.equal(batch.byStatus[200], 2, JSON.stringify(batch.byStatus));
			const executions = await ctx.n8n.waitForExecutions(workflowId, 2);
			for (const execution of executions) {
				const output = execution.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json;
				assert.equal(output.signatureVerified, false);
				assert.match(output.signatureNote, /NOT verified/);
			}
		});
	});
}
