import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { expectedApproved, pagesWorkflow, triggerStart } from '../suites/scheduled.mjs';

// Queue mode, scheduled conditional execution: the single-process suite's one-item-per-page
// workflow (test/e2e/suites/scheduled.mjs) on a 25 000-customer campaign, notified through the
// webhook processor and run by a worker. (Its one-item-per-customer variant scrubs with an IF node,
// about 1 ms of expression evaluation per condition and customer that keeps the worker's event loop
// busy for longer than a job lock lasts: docs/queue-mode.md, Tuning.)

const CUSTOMERS = 25_000;
const HOOK = 'queue-scheduled';

export function register(ctx) {
	describe('queue mode: a 25 000-customer scheduled campaign, run on a worker', () => {
		let workflowId;
		after(async () => {
			if (workflowId) await ctx.n8n.unpublish(workflowId).catch(() => undefined);
		});

		it('the type-5 notification at the webhook processor → a worker approves exactly the scrubbed set, on time', async () => {
			const { campaignId } = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: 30 * 60_000 });
			const start = triggerStart(HOOK, ctx.credentials.optimoveApi);
			workflowId = await ctx.n8n.createWorkflow(pagesWorkflow({ name: 'queue: scheduled per page', start, credential: ctx.credentials.optimoveApi }));
			await ctx.n8n.publish(workflowId);
			const started = Date.now();
			const delivery = await ctx.sandbox.notifyCampaign(campaignId);
			assert.equal(delivery.status, 200, JSON.stringify(delivery.body));
			assert.ok(delivery.url.startsWith(`${ctx.queue.webhook.baseUrl}/webhook/${HOOK}/`), `notified at the webhook processor: ${delivery.url}`);
			const [summary] = await ctx.n8n.waitForExecutions(workflowId, 1, { timeoutMs: 240_000, includeData: false });
			const seconds = (Date.now() - started) / 1000;
			const execution = await ctx.n8n.execution(summary.id);
			assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error ?? {}));
			assert.equal(execution.mode, 'webhook');

			const expected = expectedApproved(campaignId, CUSTOMERS);
			const result = ctx.sandbox.approvals(campaignId);
			assert.deepEqual([...result.approved].sort(), [...expected].sort(), 'exactly the scrubbed set is approved');
			assert.equal(result.count, expected.length);
			assert.deepEqual(result.lateApproved, [], 'no approval after ClearanceRequiredBy');
			assert.equal(result.counts.lateApproved + result.counts.lateRejected, 0);
			assert.equal(result.counts.rejectedReported, CUSTOMERS - expected.length);
			assert.equal(result.counts.overwrites, 0, 'every customer reported once');

			const ran = ctx.queue.workersThatRan(execution.id);
			assert.equal(ran.length, 1, 'one worker ran it');
			assert.doesNotMatch(ctx.n8n.logs(), new RegExp(`started execution ${execution.id}\\b`), 'main ran nothing');
			const runData = execution.data.resultData.runData;
			console.log(`# queue scheduled: ${CUSTOMERS} customers approved in ${seconds.toFixed(1)} s on ${ran[0].label}; node times (ms): ${Object.entries(runData).map(([n, r]) => `${n} ${r[0].executionTime}`).join(', ')}`);
		});
	});
}
