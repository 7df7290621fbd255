import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { node, SANDBOX_API_KEY } from '../../../tools/n8n/fixtures.mjs';

// Queue mode, publishing: main runs the trigger's create()/delete() (listeners, the triggered
// webhook); the URLs it registers must point at the webhook processor, which is what Optimove calls.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const FOREIGN_LISTENER = 'https://crm.example.test/optimove/processed';
const FOREIGN_WEBHOOK = 'https://crm.example.test/optimove/triggered';
const LISTENERS = { webhookId: 'queue-listeners', parameters: { source: 'eventListeners', events: [3, 13], channelId: 505 }, slots: ['3/-', '13/505'] };
const TRIGGERED = { webhookId: 'queue-triggered', parameters: { source: 'triggeredConditionalExecution', options: {} } };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const slotKey = (l) => `${l.EventTypeID}/${l.ChannelID ?? '-'}`;

export function register(ctx) {
	describe('queue mode: publishing on main registers at the webhook processor', () => {
		const ids = {};
		let webhookBase;
		const optimove = () => ({
			listeners: Object.fromEntries(ctx.sandbox.listListeners().map((l) => [slotKey(l), l.ListenerURL])),
			webhooks: [...ctx.sandbox.state.webhooks.values()].map((h) => ({ ...h })),
		});
		let foreignBefore;

		before(async () => {
			webhookBase = ctx.queue.webhook.baseUrl;
			// Another system's registrations, which nothing here may touch.
			ctx.sandbox.seedListener({ EventTypeID: 1, ListenerURL: FOREIGN_LISTENER });
			const res = await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_API_KEY },
				body: JSON.stringify({ url: FOREIGN_WEBHOOK }),
			});
			assert.equal(res.status, 201);
			foreignBefore = optimove();
			for (const [name, spec] of Object.entries({ listeners: LISTENERS, triggered: TRIGGERED })) {
				ids[name] = await ctx.n8n.createWorkflow({
					name: `queue lifecycle: ${name}`,
					nodes: [node('Optimove Trigger', TRIGGER, spec.parameters, { credential: ctx.credentials.optimoveApi, webhookId: spec.webhookId, typeVersion: 1.1 })],
					connections: {},
				});
			}
		});
		after(async () => {
			for (const id of Object.values(ids)) await ctx.n8n.unpublish(id).catch(() => undefined);
			// The other system's registrations go again: Optimove posts triggered notifications to every webhook.
			const headers = { 'content-type': 'application/json', 'x-api-key': SANDBOX_API_KEY };
			await fetch(`${ctx.sandbox.url}/General/UnregisterEventListener`, { method: 'POST', headers, body: JSON.stringify({ EventTypeID: 1 }) });
			for (const hook of ctx.sandbox.state.webhooks.values()) {
				if (hook.url === FOREIGN_WEBHOOK) await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks/${hook.id}`, { method: 'DELETE', headers });
			}
		});

		it('publishing on main registers every listener slot and the triggered webhook with URLs at the webhook processor', async () => {
			assert.notEqual(webhookBase, ctx.n8n.baseUrl, 'the webhook processor is another process than main');
			await ctx.n8n.publish(ids.listeners);
			await ctx.n8n.publish(ids.triggered);
			const { listeners, webhooks } = optimove();
			const listenerUrl = new RegExp(`^${webhookBase}/webhook/${LISTENERS.webhookId}/webhook\\?token=[0-9a-f]{64}$`);
			for (const slot of LISTENERS.slots) assert.match(listeners[slot] ?? '(none)', listenerUrl, `slot ${slot}`);
			assert.equal(listeners['3/-'], listeners['13/505'], 'one URL (and token) for the workflow');
			const own = webhooks.filter((h) => h.url.includes(`/webhook/${TRIGGERED.webhookId}/`));
			assert.equal(own.length, 1, 'one triggered webhook');
			assert.ok(own[0].url.startsWith(`${webhookBase}/webhook/${TRIGGERED.webhookId}/`), `webhook at the webhook processor: ${own[0].url}`);
			assert.equal(listeners['1/-'], FOREIGN_LISTENER);
		});

		it("Optimove's listener call reaches the webhook processor and runs on a worker", async () => {
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 3 });
			assert.equal(fired.status, 200);
			assert.ok(fired.url.startsWith(webhookBase));
			const [execution] = await ctx.n8n.waitForExecutions(ids.listeners, 1);
			assert.equal(execution.status, 'success');
			assert.equal(execution.mode, 'webhook');
			assert.equal(execution.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json.eventType, 'Daily Process Completed');
			assert.equal(ctx.queue.workersThatRan(execution.id).length, 1, 'exactly one worker ran it');
			assert.doesNotMatch(ctx.n8n.logs(), new RegExp(`started execution ${execution.id}\\b`), 'main ran nothing');
		});

		it('a main restart leaves no orphan and no duplicate registration', async () => {
			const before = optimove();
			const historyBefore = ctx.sandbox.listeners().history.length;
			const startsLogged = () => ctx.n8n.logs().split('Editor is now accessible via').length - 1;
			const starts = startsLogged();
			await ctx.n8n.restart();
			// n8n answers readiness before it has re-activated the published workflows: wait for the end of its start.
			const until = Date.now() + 120_000;
			while (startsLogged() <= starts && Date.now() < until) await sleep(200);
			assert.ok(startsLogged() > starts, 'main finished starting');
			await sleep(2000); // anything re-activation would change has happened by now
			const after = optimove();
			assert.deepEqual(after.listeners, before.listeners, 'the same slots hold the same URLs (tokens unchanged)');
			assert.deepEqual(after.webhooks, before.webhooks, 'the same triggered webhooks, none added or removed');
			const changes = ctx.sandbox.listeners().history.slice(historyBefore);
			assert.deepEqual(changes, [], 'no listener was registered or unregistered by the restart');
			// The registered URL still works through the webhook processor.
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 13, channelId: 505 });
			assert.equal(fired.status, 200);
			await ctx.n8n.waitForExecutions(ids.listeners, 2);
		});

		it('unpublishing on main removes exactly its own registrations', async () => {
			await ctx.n8n.unpublish(ids.listeners);
			await ctx.n8n.unpublish(ids.triggered);
			assert.deepEqual(optimove(), foreignBefore, "Optimove holds exactly what it held before: the other system's listener and webhook");
		});
	});
}
