import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channelReport } from '../../../tools/sandbox/lib/channel.mjs';
import { EXAMPLE_WEBHOOKS, eventRows, optimizelyEvents, profileChanges } from '../../../tools/sandbox/lib/demo.mjs';
import { attachCredentials, executionError, postJson, readExamples } from '../../../tools/n8n/fixtures.mjs';

/** The items a node output in an execution (includeData), output 0 of its first run by default. */
function nodeOutput(execution, nodeName, output = 0) {
	const run = execution?.data?.resultData?.runData?.[nodeName]?.[0];
	return (run?.data?.main?.[output] ?? []).map((item) => item.json);
}

function assertSucceeded(execution) {
	assert.equal(execution.status, 'success', JSON.stringify(executionError(execution)));
}

/** A customer's attributes as the sandbox stored them: {RealFieldName: value}. */
function profile(sandbox, customerId) {
	const attrs = sandbox.state.profiles.get(customerId);
	return attrs ? Object.fromEntries([...attrs.values()].map((a) => [a.RealFieldName, a.Value])) : undefined;
}

/**
 * Every example workflow in examples/ is imported, published and driven through the sandbox, so
 * none of them rots. Each example file has its scenario here.
 */
const SCENARIOS = {
	'1-scheduled-conditional-execution.json': async (ctx, workflowId) => {
		const { campaignId } = ctx.sandbox.createCampaign({ customers: 3000, clearanceInMs: 120_000 });
		const notify = await ctx.sandbox.notifyCampaign(campaignId);
		assert.equal(notify.status, 200);
		const validationsBefore = ctx.sandbox.state.promotions.contexts;
		const [execution] = await ctx.n8n.waitForExecutions(workflowId, 1, { timeoutMs: 120_000 });
		assertSucceeded(execution);
		// scrubbing rules: OptIn = Yes (k % 3 ≠ 0) and Country ≠ BR (k % 10 ≠ 9); promotion valid: k % 7 ≠ 0
		const scrubbed = [];
		for (let k = 1; k <= 3000; k++) if (k % 3 !== 0 && k % 10 !== 9) scrubbed.push(k);
		const expected = scrubbed.filter((k) => k % 7 !== 0).map((k) => `C${campaignId}-${k}`);
		assert.equal(ctx.sandbox.state.promotions.contexts - validationsBefore, scrubbed.length, 'every scrubbed customer validated, no one else');
		const approvals = ctx.sandbox.approvals(campaignId);
		assert.deepEqual([...approvals.approved].sort(), [...expected].sort());
		assert.equal(approvals.lateApproved.length, 0);
		const [summary] = nodeOutput(execution, 'Approve Customers');
		assert.equal(summary.approved, expected.length, JSON.stringify(summary));
	},
	'2-triggered-conditional-execution.json': async (ctx, workflowId) => {
		const batch = await ctx.sandbox.fireTriggered({ count: 5, mode: 'signed' });
		assert.deepEqual(batch.byStatus, { 200: 5 });
		await ctx.n8n.waitForExecutions(workflowId, 5);
		for (const { request_uid: uid } of batch.results) {
			const { approval } = ctx.sandbox.notification(uid);
			assert.ok(approval, `approval for ${uid}`);
			assert.equal(approval.approved, true);
			assert.equal(approval.late, false);
		}
	},
	'7-triggered-with-webhook-node.json': async (ctx, workflowId) => {
		// Register the Webhook node's production URL once, as the example's lower branch does.
		const registered = await ctx.n8n.execute(workflowId, { trigger: 'Once: Register the Webhook URL' });
		assertSucceeded(registered);
		const [hook] = nodeOutput(registered, 'Create Webhook at Optimove');
		assert.equal(hook.url, ctx.n8n.webhookUrl('optimove-triggered-notifications'));
		try {
			const batch = await ctx.sandbox.fireTriggered({ count: 5, mode: 'signed', urls: [hook.url] });
			assert.deepEqual(batch.byStatus, { 200: 5 });
			const forged = await ctx.sandbox.fireTriggered({ count: 3, mode: 'forged', urls: [hook.url] });
			assert.deepEqual(forged.byStatus, { 200: 3 }, "n8n's Webhook node answers before the workflow checks anything");
			const executions = await ctx.n8n.waitForExecutions(workflowId, 9, { includeData: true });
			const runs = executions.filter((e) => e.mode !== 'manual');
			assert.equal(runs.length, 8);
			for (const { request_uid: uid } of batch.results) {
				const { approval } = ctx.sandbox.notification(uid);
				assert.ok(approval, `approval for ${uid}`);
				assert.equal(approval.approved, true);
				assert.equal(approval.late, false);
			}
			for (const { request_uid: uid } of forged.results) assert.equal(ctx.sandbox.notification(uid).approval, null, `no approval for forged ${uid}`);
			const refused = runs.filter((e) => e.status === 'error');
			assert.equal(refused.length, 3, 'each forged notification fails at Verify Triggered Notification');
			for (const e of refused) assert.match(executionError(e)?.message ?? '', /not a genuine Optimove notification: missing or invalid signature/);
		} finally {
			ctx.sandbox.state.webhooks.delete(hook.id); // leave the sandbox as the other examples expect it
		}
	},
	'3-campaign-delivery.json': async (ctx, workflowId) => {
		// Publishing registered type 13 on channel 505 and type 4 (no channel).
		const slots = ctx.sandbox.listListeners().filter((l) => [4, 13].includes(l.EventTypeID));
		assert.deepEqual(slots.map((l) => [l.EventTypeID, l.ChannelID]).sort(), [[13, 505], [4, null]].sort());
		const customers = 40;
		const { campaignId } = ctx.sandbox.createCampaign({ customers, channelId: 505, clearanceInMs: 600_000 });
		const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 13, campaignId, channelId: 505 });
		assert.equal(fired.status, 200);
		const [executed] = await ctx.n8n.waitForExecutions(workflowId, 1);
		assertSucceeded(executed);
		assert.equal(nodeOutput(executed, 'Get Executed Customers').length, customers);
		assert.equal(nodeOutput(executed, 'Get Canceled Customers').length, 0);
		let delivery = channelReport(ctx.sandbox.state.channel).campaigns.find((c) => c.campaignId === String(campaignId));
		assert.ok(delivery, 'the channel stand-in received the campaign');
		assert.equal(delivery.messages, customers);
		assert.equal(delivery.delivered, customers);
		assert.deepEqual(delivery.byTemplate, { 7: customers / 2, 8: customers / 2 });
		for (const m of delivery.sample) assert.match(m.text, /^Hi [A-Z][a-z]+, (Bonus SMS|Reload Push) \(code [A-Z0-9]+\)$/);

		const cancel = await ctx.sandbox.cancelCampaign(campaignId);
		assert.equal(cancel.listener?.status, 200);
		const both = await ctx.n8n.waitForExecutions(workflowId, 2);
		for (const execution of both) assertSucceeded(execution);
		const cancelled = both.find((e) => nodeOutput(e, 'Get Canceled Customers').length > 0);
		assert.ok(cancelled, 'the cancellation went down the Cancelled (4) branch');
		assert.equal(nodeOutput(cancelled, 'Get Executed Customers').length, 0);
		delivery = channelReport(ctx.sandbox.state.channel).campaigns.find((c) => c.campaignId === String(campaignId));
		assert.equal(delivery.withdrawn, customers);
		assert.equal(delivery.delivered, 0);
	},
	'4-profile-sync.json': async (ctx, workflowId) => {
		const changes = profileChanges(12);
		const before = ctx.sandbox.state.attributeUpdates.requests;
		const answer = await postJson(ctx.n8n.webhookUrl(EXAMPLE_WEBHOOKS.profileSync), changes);
		assert.equal(answer.status, 200, JSON.stringify(answer.body));
		assert.equal(answer.body.length, changes.length);
		assert.ok(answer.body.every((r) => r.sent === true && r.attributeCount === 3));
		// Each customer's result carries the attributes and values as sent.
		assert.deepEqual(
			answer.body.map((r) => [r.customerId, r.attributes]),
			changes.map((c) => [String(c.customerId), c.attributes]),
		);
		const [execution] = await ctx.n8n.waitForExecutions(workflowId, 1);
		assertSucceeded(execution);
		assert.equal(ctx.sandbox.state.attributeUpdates.requests, before + 1, 'one UpdateCustomerAttributes call for 12 customers');
		for (const change of changes) assert.deepEqual(profile(ctx.sandbox, change.customerId), change.attributes);
	},
	'5-event-based-integration.json': async (ctx, workflowId) => {
		const { rows, invalid } = eventRows(60, 3);
		const acceptedBefore = ctx.sandbox.state.events.accepted;
		const answer = await postJson(ctx.n8n.webhookUrl(EXAMPLE_WEBHOOKS.eventRows), rows);
		assert.equal(answer.status, 200, JSON.stringify(answer.body));
		const [summary] = answer.body;
		assert.equal(summary.received, 60);
		assert.equal(summary.sent, 57);
		assert.equal(summary.invalid, 3);
		assert.deepEqual(
			summary.invalidRows.map((r) => r.row),
			invalid.map((r) => r.index),
		);
		for (const r of summary.invalidRows) assert.ok(r.reason && r.data, `row ${r.row} has its reason and data: ${JSON.stringify(r)}`);
		assert.match(summary.invalidRows[0].reason, /transaction_id/);
		assert.match(summary.invalidRows[1].reason, /deposit_amount/);
		const [execution] = await ctx.n8n.waitForExecutions(workflowId, 1);
		assertSucceeded(execution);
		assert.equal(ctx.sandbox.state.events.accepted - acceptedBefore, 57);
		assert.equal(ctx.sandbox.state.events.byName.ootb_deposit >= 57, true);
	},
	'6-optimizely-unsubscribe-to-optimove-opt-out.json': async (ctx, workflowId) => {
		const events = optimizelyEvents({ unsubscribes: 4, bounces: 2, softBounces: 1 });
		const answer = await postJson(ctx.n8n.webhookUrl(EXAMPLE_WEBHOOKS.optimizely), events);
		assert.equal(answer.status, 200, JSON.stringify(answer.body));
		const [execution] = await ctx.n8n.waitForExecutions(workflowId, 1);
		assertSucceeded(execution);
		assert.equal(nodeOutput(execution, 'Opt Out in Optimove').length, 6);
		for (let i = 1; i <= 4; i++) assert.deepEqual(profile(ctx.sandbox, `CUST-U${i}`), { OptIn: 'No', EmailStatus: 'Unsubscribed' });
		for (let i = 1; i <= 2; i++) assert.deepEqual(profile(ctx.sandbox, `CUST-B${i}`), { EmailStatus: 'Bounced' });
		assert.equal(profile(ctx.sandbox, 'CUST-S1'), undefined, 'a soft bounce changes nothing');
	},
};

export function register(ctx) {
	describe('example workflows', () => {
		const examples = readExamples();
		it('every example has a scenario', () => {
			assert.deepEqual(examples.map((e) => e.file).filter((f) => !SCENARIOS[f]), []);
		});
		for (const example of examples) {
			describe(example.name, () => {
				let workflowId;
				before(async () => {
					workflowId = await ctx.n8n.createWorkflow(attachCredentials(example, ctx.credentials, { sandboxUrl: ctx.sandbox.url, n8nUrl: ctx.n8n.baseUrl }));
					await ctx.n8n.publish(workflowId);
				});
				after(async () => {
					await ctx.n8n.unpublish(workflowId).catch(() => undefined);
				});
				it('runs its flow against the sandbox', async () => SCENARIOS[example.file]?.(ctx, workflowId));
			});
		}
	});
}
