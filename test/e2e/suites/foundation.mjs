import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chain, executionError, node, postJson, webhookNode } from '../lib/fixtures.mjs';

/** The package is registered in n8n, and a workflow using its credential reaches the sandbox. */
export function register(ctx) {
	describe('foundation', () => {
		it('registers the nodes and credentials under n8n-nodes-optimove.*', async () => {
			const types = await ctx.n8n.nodeTypes();
			const names = types.map((t) => t.name);
			assert.ok(names.includes('n8n-nodes-optimove.optimove'), 'action node missing');
			assert.ok(names.includes('n8n-nodes-optimove.optimoveTrigger'), 'trigger node missing');
			const credentials = await ctx.n8n.credentialTypes();
			const credentialNames = credentials.map((c) => c.name);
			assert.ok(credentialNames.includes('optimoveApi'));
			assert.ok(credentialNames.includes('optimoveEventsApi'));
		});

		async function runAccountWorkflow(credential, hook) {
			const id = await ctx.n8n.createWorkflow({
				name: `foundation ${hook}`,
				nodes: [webhookNode(hook), node('Optimove', 'n8n-nodes-optimove.optimove', { resource: 'account', operation: 'getLastDataUpdate' }, { credential })],
				connections: chain('Webhook', 'Optimove'),
			});
			await ctx.n8n.publish(id);
			const response = await postJson(ctx.n8n.webhookUrl(hook), {});
			const [execution] = await ctx.n8n.waitForExecutions(id, 1);
			return { response, execution };
		}

		it('runs a workflow with the Optimove API credential against the sandbox', async () => {
			const { response, execution } = await runAccountWorkflow(ctx.credentials.optimoveApi, 'foundation-ok');
			assert.equal(response.status, 200);
			assert.deepEqual(response.body, [{ date: ctx.sandbox.getConfig?.().lastDataUpdate ?? response.body[0].date }]);
			assert.match(response.body[0].date, /^\d{4}-\d{2}-\d{2}$/);
			assert.equal(execution.status, 'success');
		});

		it('a wrong API key fails with a clear error naming the key', async () => {
			const { execution } = await runAccountWorkflow(ctx.credentials.wrongKey, 'foundation-wrong-key');
			assert.equal(execution.status, 'error');
			const error = executionError(execution);
			assert.match(error.message, /rejected the API key \(401\)/);
			assert.match(error.description, /Check the API key on the Optimove API credential/);
			assert.ok(!JSON.stringify(execution).includes('not-the-right-key'), 'the key must not appear in the execution');
		});

		it('the credential test explains a wrong key', async () => {
			const result = await ctx.n8n.rest('POST', '/credentials/test', {
				credentials: { id: ctx.credentials.wrongKey.id, name: 'x', type: 'optimoveApi', data: { baseUrl: ctx.sandbox.url, apiKey: 'not-the-right-key' } },
			});
			assert.equal(result.status, 'Error');
			assert.match(result.message, /rejected the API key/);
		});
	});
}
