import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attachCredentials, node, readExamples } from '../../../tools/n8n/fixtures.mjs';

// Queue mode, triggered conditional execution with the example workflow (examples/2-…): the webhook
// processor runs the trigger's webhook() (URL token, HMAC over the raw bytes) and enqueues; a
// worker runs Send Triggered Approval against Optimove's deadline.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const COUNT = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function register(ctx) {
	describe('queue mode: triggered conditional execution (webhook processor → worker → approval)', () => {
		let workflowId;
		let listenerWorkflowId;
		before(async () => {
			const example = readExamples().find((e) => e.file.startsWith('2-'));
			workflowId = await ctx.n8n.createWorkflow(attachCredentials(example, ctx.credentials));
			await ctx.n8n.publish(workflowId);
		});
		after(async () => {
			for (const id of [workflowId, listenerWorkflowId]) if (id) await ctx.n8n.unpublish(id).catch(() => undefined);
		});

		it(`${COUNT} signed notifications → ${COUNT} executions on the workers → ${COUNT} approvals before their deadlines`, async () => {
			const webhookBase = ctx.queue.webhook.baseUrl;
			const hooks = [...ctx.sandbox.state.webhooks.values()].filter((h) => h.url.startsWith(`${webhookBase}/webhook/`));
			assert.equal(hooks.length, 1, 'the one webhook Optimove posts to is at the webhook processor');
			const fired = await ctx.sandbox.fireTriggered({ count: COUNT, mode: 'signed', ratePerSec: 2 });
			const failedDeliveries = fired.results.flatMap((r) => r.deliveries.filter((d) => d.status !== 200));
			assert.deepEqual(fired.byStatus, { 200: COUNT }, JSON.stringify(failedDeliveries));
			const executions = await ctx.n8n.waitForExecutions(workflowId, COUNT, { includeData: false, timeoutMs: 60_000 });
			assert.deepEqual(executions.map((e) => e.status), Array(COUNT).fill('success'));
			const byWorker = new Map();
			for (const e of executions) {
				const ran = ctx.queue.workersThatRan(e.id);
				assert.equal(ran.length, 1, `execution ${e.id} ran on exactly one worker`);
				byWorker.set(ran[0].label, (byWorker.get(ran[0].label) ?? 0) + 1);
			}
			const notifications = fired.results.map((r) => ctx.sandbox.notification(r.request_uid));
			for (const n of notifications) {
				assert.ok(n.approval, `approval for ${n.uid}`);
				assert.equal(n.approval.approved, true);
				assert.equal(n.approval.late, false, `approval ${n.uid} before its deadline`);
				assert.equal(n.duplicates, 0);
			}
			const latencies = notifications.map((n) => n.approval.latencyMs).sort((a, b) => a - b);
			console.log(`# queue triggered: ${COUNT} approvals, latency p50 ${Math.round(latencies[Math.floor(COUNT / 2)])} ms, max ${Math.round(latencies.at(-1))} ms; executions per worker ${JSON.stringify(Object.fromEntries(byWorker))}`);
		});

		it('forged, unsigned and tampered notifications get 401 at the webhook processor and start no execution', async () => {
			const before = (await ctx.n8n.executions(workflowId)).length;
			for (const mode of ['forged', 'unsigned', 'tampered']) {
				const batch = await ctx.sandbox.fireTriggered({ count: 3, mode });
				assert.deepEqual(batch.byStatus, { 401: 3 }, mode);
				for (const r of batch.results) {
					assert.ok(r.deliveries[0].url.startsWith(ctx.queue.webhook.baseUrl));
					assert.equal(ctx.sandbox.notification(r.request_uid).approval, null, `${mode}: no approval`);
				}
			}
			await sleep(1500);
			assert.equal((await ctx.n8n.executions(workflowId)).length, before, 'no execution started');
		});

		it('listener notifications without the URL token get 401 at the webhook processor', async () => {
			listenerWorkflowId = await ctx.n8n.createWorkflow({
				name: 'queue: listener token',
				nodes: [node('Optimove Trigger', TRIGGER, { source: 'eventListeners', events: [2] }, { credential: ctx.credentials.optimoveApi, webhookId: 'queue-token', typeVersion: 1.1 })],
				connections: {},
			});
			await ctx.n8n.publish(listenerWorkflowId);
			const registered = ctx.sandbox.listListeners().find((l) => l.EventTypeID === 2);
			const url = new URL(registered.ListenerURL);
			assert.equal(url.origin, ctx.queue.webhook.baseUrl);
			const bare = `${url.origin}${url.pathname}`;
			const body = JSON.stringify({ EventTypeID: 2, TimeStamp: '2026-11-22 09:00:00' });
			for (const suffix of ['', '?token=', `?token=${'0'.repeat(64)}`]) {
				const res = await fetch(bare + suffix, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
				assert.equal(res.status, 401, `token variant "${suffix}"`);
			}
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 2 });
			assert.equal(fired.status, 200, 'with its token the same call is accepted');
			const executions = await ctx.n8n.waitForExecutions(listenerWorkflowId, 1);
			await sleep(1000);
			assert.equal((await ctx.n8n.executions(listenerWorkflowId)).length, 1, 'only the call with the token became an execution');
			assert.equal(executions[0].status, 'success');
			await ctx.n8n.unpublish(listenerWorkflowId);
		});
	});
}
