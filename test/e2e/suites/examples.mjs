import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attachCredentials, readExamples } from '../lib/fixtures.mjs';

/**
 * Every example workflow in examples/ is imported, published and driven through the sandbox, so
 * none of them rots. Each example file has its scenario here.
 */
const SCENARIOS = {
	'1-scheduled-conditional-execution.json': async (ctx, workflowId) => {
		const { campaignId } = ctx.sandbox.createCampaign({ customers: 3000, clearanceInMs: 120_000 });
		const notify = await ctx.sandbox.notifyCampaign(campaignId);
		assert.equal(notify.status, 200);
		const [execution] = await ctx.n8n.waitForExecutions(workflowId, 1, { timeoutMs: 120_000 });
		assert.equal(execution.status, 'success');
		// approved: OptIn = Yes (k % 3 ≠ 0) and Country ≠ BR (k % 10 ≠ 9)
		let expected = 0;
		for (let k = 1; k <= 3000; k++) if (k % 3 !== 0 && k % 10 !== 9) expected++;
		const approvals = ctx.sandbox.approvals(campaignId);
		assert.equal(approvals.count, expected);
		assert.equal(approvals.lateApproved.length, 0);
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
					workflowId = await ctx.n8n.createWorkflow(attachCredentials(example, ctx.credentials));
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
