import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { chain, executionError, node } from '../../../tools/n8n/fixtures.mjs';

// Drill (issue 7): approvals past their deadline are NOT sent — the sandbox (Optimove) records
// none — and each item / the execution error says so clearly. A control with a future deadline
// proves the same workflow does send.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const CUSTOMERS = 20;
const CONTINUE = { onError: 'continueRegularOutput' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const itemsOf = (execution, name) => execution.data.resultData.runData[name]?.[0]?.data?.main?.[0]?.map((i) => i.json) ?? [];

export function register(ctx) {
	describe('drill: approvals past their deadline', () => {
		const published = [];
		const figures = { refused: 0, refusedHeldBySandbox: 0, controlsSent: 0 };
		after(async () => {
			for (const id of published) await ctx.n8n.unpublish(id).catch(() => undefined);
			console.log(`# drill deadlines: ${figures.refused} approvals past or inside their deadline refused with a reason, ${figures.refusedHeldBySandbox} of them at the sandbox; ${figures.controlsSent} on-time control approvals sent`);
		});

		// ---------------------------------------------------------------- scheduled (ClearanceRequiredBy)

		/** Manual Trigger → Get Processed Customers (campaign) → Approve Customers with this clearance. */
		async function runScheduled(name, campaign, { input = 'item', continueOnFail = true, options = {} } = {}) {
			const id = await ctx.n8n.createWorkflow({
				name: `drill deadlines: ${name}`,
				nodes: [
					node('Manual Trigger', 'n8n-nodes-base.manualTrigger', {}),
					node(
						'Get Processed Customers',
						OPTIMOVE,
						{ resource: 'campaign', operation: 'getProcessedCustomers', campaignId: String(campaign.campaignId), customerAttributes: ['OptIn'], returnAll: true, output: input === 'item' ? 'customers' : 'pages' },
						{ credential: ctx.credentials.optimoveApi },
					),
					node(
						'Approve Customers',
						OPTIMOVE,
						{
							resource: 'conditionalExecution',
							operation: 'approveCustomers',
							input,
							customersField: 'customers',
							campaignId: '={{ $json.CampaignID }}',
							...(input === 'item' ? { customerId: '={{ $json.CustomerID }}' } : {}),
							approved: true,
							// Optimove's own format: naive UTC "YYYY-MM-DD HH:MM:SS".
							clearanceRequiredBy: campaign.clearanceRequiredBy,
							options,
						},
						{ credential: ctx.credentials.optimoveApi, extra: continueOnFail ? CONTINUE : {} },
					),
				],
				connections: chain('Manual Trigger', 'Get Processed Customers', 'Approve Customers'),
			});
			return ctx.n8n.execute(id, { timeoutMs: 90_000 });
		}

		it('scheduled, one item per customer, ClearanceRequiredBy passed a minute ago: nothing sent, every item says why', async () => {
			const campaign = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: -60_000 });
			const execution = await runScheduled('scheduled passed, per customer', campaign);
			assert.equal(execution.status, 'success', JSON.stringify(executionError(execution) ?? {}));
			const items = itemsOf(execution, 'Approve Customers');
			assert.equal(items.length, CUSTOMERS, 'one item per customer');
			for (const item of items) {
				assert.notEqual(item.sent, true);
				assert.match(item.error, new RegExp(`approval not sent: the deadline ${new Date(campaign.clearanceRequiredByMs).toISOString().replace(/[.]/g, '\\.')} passed \\d+ ms ago`));
			}
			const result = ctx.sandbox.approvals(campaign.campaignId);
			figures.refused += items.length;
			figures.refusedHeldBySandbox += result.count;
			assert.equal(result.counts.calls, 0, 'no UpdateCustomerPromotionStatus call reached Optimove');
			assert.equal(result.count, 0);
			assert.equal(result.counts.reports, 0);
		});

		it('scheduled, without Continue On Fail: the execution fails with the deadline in its message, nothing sent', async () => {
			const campaign = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: -5 * 60_000 });
			const execution = await runScheduled('scheduled passed, stops', campaign, { continueOnFail: false });
			assert.equal(execution.status, 'error');
			const error = executionError(execution);
			assert.match(error.message, /deadline .* passed \d+ ms ago/);
			figures.refused += CUSTOMERS;
			figures.refusedHeldBySandbox += ctx.sandbox.approvals(campaign.campaignId).count;
			assert.equal(ctx.sandbox.approvals(campaign.campaignId).counts.calls, 0);
		});

		it('scheduled, customer list per item, ClearanceRequiredBy inside the 5 s safety margin: nothing sent, "0 of N reported"', async () => {
			const campaign = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: 3000 });
			const execution = await runScheduled('scheduled margin, list', campaign, { input: 'list' });
			assert.equal(execution.status, 'success', JSON.stringify(executionError(execution) ?? {}));
			const [item] = itemsOf(execution, 'Approve Customers');
			assert.notEqual(item.sent, true);
			// Either still inside the margin or already passed, depending on how long n8n took to get here.
			assert.match(item.error, /deadline .* (is only \d+ ms away, inside the safety margin of 5000 ms|passed \d+ ms ago)/);
			figures.refused += CUSTOMERS;
			figures.refusedHeldBySandbox += ctx.sandbox.approvals(campaign.campaignId).count;
			assert.equal(ctx.sandbox.approvals(campaign.campaignId).counts.calls, 0);
		});

		it('scheduled control: the same workflow with ClearanceRequiredBy 10 minutes ahead approves everyone on time', async () => {
			const campaign = ctx.sandbox.createCampaign({ customers: CUSTOMERS, clearanceInMs: 10 * 60_000 });
			const execution = await runScheduled('scheduled control', campaign);
			assert.equal(execution.status, 'success');
			assert.ok(itemsOf(execution, 'Approve Customers').every((i) => i.sent === true));
			const result = ctx.sandbox.approvals(campaign.campaignId);
			figures.controlsSent += result.count;
			assert.equal(result.count, CUSTOMERS);
			assert.deepEqual(result.lateApproved, []);
		});

		// ---------------------------------------------------------------- triggered (approval deadline)

		/** Publishes Optimove Trigger → Send Triggered Approval, fires `count` signed notifications, unpublishes. */
		async function runTriggered(name, fire, { options = {}, continueOnFail = true } = {}) {
			const hook = `drill-deadline-${name.replace(/\W+/g, '-')}`;
			const id = await ctx.n8n.createWorkflow({
				name: `drill deadlines: ${name}`,
				nodes: [
					node('Optimove Trigger', TRIGGER, { source: 'triggeredConditionalExecution', options: {} }, { credential: ctx.credentials.optimoveApi, webhookId: hook, typeVersion: 1.1 }),
					// Request UID and Approval Deadline keep their defaults: {{ $json.requestUid }}, {{ $json.approvalDeadline }}.
					node('Send Triggered Approval', OPTIMOVE, { resource: 'conditionalExecution', operation: 'sendTriggeredApproval', approved: true, options }, {
						credential: ctx.credentials.optimoveApi,
						extra: continueOnFail ? CONTINUE : {},
					}),
				],
				connections: chain('Optimove Trigger', 'Send Triggered Approval'),
			});
			await ctx.n8n.publish(id);
			published.push(id);
			try {
				const approvalsBefore = ctx.sandbox.state.triggered.approvals;
				const batch = await ctx.sandbox.fireTriggered({ mode: 'signed', ...fire });
				assert.deepEqual(batch.byStatus, { 200: fire.count }, 'every notification accepted by the trigger');
				const executions = await ctx.n8n.waitForExecutions(id, fire.count, { timeoutMs: 60_000 });
				await sleep(500);
				return { batch, executions, approvals: ctx.sandbox.state.triggered.approvals - approvalsBefore };
			} finally {
				await ctx.n8n.unpublish(id);
				published.splice(published.indexOf(id), 1);
			}
		}

		it('triggered, approvalDeadline a minute in the past: no approval reaches Optimove, each item says the deadline passed', async () => {
			const { batch, executions, approvals } = await runTriggered('expired', { count: 4, timeoutMs: -60_000 });
			figures.refused += 4;
			figures.refusedHeldBySandbox += approvals;
			assert.equal(approvals, 0, 'the sandbox recorded no approval');
			for (const r of batch.results) assert.equal(ctx.sandbox.notification(r.request_uid).approval, null, `${r.request_uid} not approved`);
			for (const execution of executions) {
				const [item] = itemsOf(execution, 'Send Triggered Approval');
				assert.notEqual(item.sent, true);
				assert.match(item.error, /^Item 0: approval not sent: the deadline \d{4}-\d{2}-\d{2}T[\d:.]+Z passed \d+ ms ago; Optimove counts unreported customers as rejected$/);
			}
		});

		it('triggered, without Continue On Fail: the execution fails naming the deadline; no approval', async () => {
			const { executions, approvals } = await runTriggered('expired-stop', { count: 2, timeoutMs: -1000 }, { continueOnFail: false });
			figures.refused += 2;
			figures.refusedHeldBySandbox += approvals;
			assert.equal(approvals, 0);
			for (const execution of executions) {
				assert.equal(execution.status, 'error');
				assert.match(executionError(execution).message, /the deadline .* passed \d+ ms ago/);
			}
		});

		it('triggered, deadline inside the safety margin (10 s margin, 5 s deadline): not sent, reported as inside the margin', async () => {
			const { executions, approvals } = await runTriggered('margin', { count: 3 }, { options: { safetyMarginMs: 10_000 } });
			figures.refused += 3;
			figures.refusedHeldBySandbox += approvals;
			assert.equal(approvals, 0);
			for (const execution of executions) {
				const [item] = itemsOf(execution, 'Send Triggered Approval');
				assert.match(item.error, /is only \d+ ms away, inside the safety margin of 10000 ms/);
			}
		});

		it('triggered control: the default 5 s deadline is met and every notification is approved once', async () => {
			const { batch, approvals } = await runTriggered('control', { count: 3 });
			figures.controlsSent += approvals;
			assert.equal(approvals, 3);
			for (const r of batch.results) {
				const n = ctx.sandbox.notification(r.request_uid);
				assert.equal(n.approval?.approved, true);
				assert.equal(n.approval.late, false);
				assert.equal(n.duplicates, 0);
			}
		});
	});
}
