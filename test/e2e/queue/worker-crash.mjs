import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectedApproved, pagesWorkflow, triggerStart } from '../suites/scheduled.mjs';

// Queue mode, a worker SIGKILLed in the middle of a 25 000-customer approval. What n8n 2.41.1 does:
// the execution stays "running" until the job's lock expires and a stalled check fails it (bull's
// maxStalledCount is 0 in n8n), then the process that enqueued it re-checks for 30 s and marks it
// "error" with its run data replaced; "Retry" then has nothing to run. What finishes the campaign:
// the step docs/troubleshooting.md documents, delivering the campaign's type-5 notification to the workflow's
// listener URL again. UpdateCustomerPromotionStatus keeps one status per customer, so customers
// reported twice (by the killed run and by the re-run, with the same status) count once.

const CUSTOMERS = 25_000;
const APPROVAL_LATENCY_MS = 2500; // per UpdateCustomerPromotionStatus call, so the kill lands between calls
const ERROR_WITHIN_MS = Number(process.env.E2E_QUEUE_STALL_TIMEOUT_MS || 180_000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, what, timeoutMs, intervalMs = 100) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

export const runLast = true; // it leaves one worker dead

export function register(ctx) {
	describe('queue mode: a worker SIGKILLed mid-campaign, and finishing the campaign', () => {
		let workflowId;
		let campaign;
		let crashed; // the killed execution
		let partial; // the campaign's approvals once the killed run can send nothing more
		let survivor;
		const figures = {};

		before(async () => {
			const start = triggerStart('queue-crash', ctx.credentials.optimoveApi);
			workflowId = await ctx.n8n.createWorkflow(pagesWorkflow({ name: 'queue: scheduled, worker killed', start, credential: ctx.credentials.optimoveApi }));
			await ctx.n8n.publish(workflowId);
			ctx.sandbox.setFaults({ latencyMs: APPROVAL_LATENCY_MS, match: 'UpdateCustomerPromotionStatus' });
		});
		after(async () => {
			ctx.sandbox.setFaults({ latencyMs: 0, match: null });
			await ctx.n8n.unpublish(workflowId).catch(() => undefined);
			console.log(`# queue worker crash: ${JSON.stringify(figures)}`);
		});

		it('SIGKILL the worker running the approval after its first call: the campaign is left half-approved and the execution "running"', async () => {
			campaign = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: 30 * 60_000 });
			const delivery = await ctx.sandbox.notifyCampaign(campaign.campaignId);
			assert.equal(delivery.status, 200);
			const [execution] = await until(async () => {
				const list = await ctx.n8n.executions(workflowId);
				return list.length ? list : undefined;
			}, 'the execution', 30_000, 250);
			const worker = await until(() => ctx.queue.workersThatRan(execution.id)[0], `a worker to start execution ${execution.id}`, 60_000);
			await until(() => ctx.sandbox.approvals(campaign.campaignId).counts.calls >= 1, 'the first approval call', 120_000, 50);
			await worker.kill();
			const killedAt = Date.now();
			survivor = ctx.queue.workers.find((w) => w !== worker);
			crashed = await ctx.n8n.execution(execution.id, { includeData: false });
			assert.equal(crashed.status, 'running', 'right after the kill n8n still shows it running');
			// A call already on the wire still lands (the sandbox answers after its latency); nothing after it can.
			await sleep(APPROVAL_LATENCY_MS + 1000);
			partial = ctx.sandbox.approvals(campaign.campaignId).counts;
			const expected = expectedApproved(campaign.campaignId, CUSTOMERS);
			assert.ok(partial.approved > 0 && partial.approved < expected.length, `half-approved: ${partial.approved} of ${expected.length}`);
			assert.ok(partial.neverReported > 0, `${partial.neverReported} customers not reported yet`);
			Object.assign(figures, { killedWorker: worker.label, callsBeforeKill: partial.calls, reportedBeforeKill: partial.reports, approvedBeforeKill: partial.approved });
			crashed = { id: execution.id, killedAt };
		});

		it('n8n then marks the execution "error" (stalled job), with its run data gone', { timeout: ERROR_WITHIN_MS + 30_000 }, async () => {
			assert.ok(crashed, 'the worker was killed');
			const failed = await until(
				async () => {
					const e = await ctx.n8n.execution(crashed.id);
					return e.status !== 'running' && e.status !== 'new' ? e : undefined;
				},
				`execution ${crashed.id} to leave "running"`,
				ERROR_WITHIN_MS,
				1000,
			);
			figures.secondsToError = Math.round((Date.now() - crashed.killedAt) / 100) / 10;
			assert.equal(failed.status, 'error');
			assert.match(failed.data.resultData.error.message, /failed to be processed too many times/);
			assert.deepEqual(failed.data.resultData.runData, {}, 'the run data is replaced by the error: nothing of the trigger output is left');
		});

		it('"Retry" answers 200 but does not finish the campaign', async () => {
			assert.ok(crashed, 'the worker was killed');
			const before = ctx.sandbox.approvals(campaign.campaignId).counts;
			const retried = await ctx.n8n.api('POST', `/executions/${crashed.id}/retry`, {});
			const retry = await ctx.n8n.waitForExecution(String(retried.id), { timeoutMs: 60_000 });
			figures.retry = { status: retry.status, nodesRun: Object.keys(retry.data?.resultData?.runData ?? {}) };
			assert.deepEqual(ctx.sandbox.approvals(campaign.campaignId).counts, before, 'the retry reported no customer');
		});

		it('re-delivering the campaign notification to the listener URL finishes it: exactly the expected set, on time, no customer counted twice', async () => {
			assert.ok(crashed, 'the worker was killed');
			// The documented step: the workflow's listener URL (Event Listener → Get Many) and the campaign's ID and clearance time.
			const slot = ctx.sandbox.listListeners().find((l) => l.EventTypeID === 5 && l.ChannelID == null);
			assert.ok(slot.ListenerURL.startsWith(`${ctx.queue.webhook.baseUrl}/webhook/queue-crash/`));
			const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
			const res = await fetch(slot.ListenerURL, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ EventTypeID: 5, TimeStamp: now, CampaignID: campaign.campaignId, ClearanceRequiredBy: campaign.clearanceRequiredBy }),
			});
			assert.equal(res.status, 200);
			const started = Date.now();
			const rerun = await until(
				async () => (await ctx.n8n.executions(workflowId, { status: 'success' })).find((e) => e.mode === 'webhook'),
				'the re-run to succeed',
				180_000,
				500,
			);
			figures.rerunSeconds = Math.round((Date.now() - started) / 100) / 10;
			assert.deepEqual(ctx.queue.workersThatRan(rerun.id), [survivor], 'the surviving worker ran it');

			const expected = expectedApproved(campaign.campaignId, CUSTOMERS);
			const result = ctx.sandbox.approvals(campaign.campaignId);
			assert.deepEqual([...result.approved].sort(), [...expected].sort(), 'exactly the scrubbed set is approved');
			assert.equal(result.count, expected.length, 'each approved customer counted once');
			assert.deepEqual(result.lateApproved, [], 'nothing late');
			assert.equal(result.counts.lateApproved + result.counts.lateRejected, 0);
			assert.equal(result.counts.rejectedReported, CUSTOMERS - expected.length);
			assert.equal(result.counts.neverReported, 0);
			assert.equal(result.counts.unknownCustomers, 0);
			// Optimove keeps one status per customer: the killed run's reports are overwritten once each, with the same value.
			assert.equal(result.counts.reports, partial.reports + CUSTOMERS, 'the re-run reported every customer once');
			assert.equal(result.counts.overwrites, partial.reports, 'only what the killed run had reported was reported twice');
			figures.reportedTwice = result.counts.overwrites;
		});
	});
}
