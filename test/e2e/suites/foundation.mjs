import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_API_KEY, chain, executionError, node, postJson, webhookNode } from '../../../tools/n8n/fixtures.mjs';
import { N8N_PROFILE } from '../../../tools/n8n/index.mjs';

// The node, credential and operation names this suite relies on, in one place.
const PACKAGE = 'n8n-nodes-optimove';
const ACTION = `${PACKAGE}.optimove`;
const TRIGGER = `${PACKAGE}.optimoveTrigger`;
const LAST_DATA_UPDATE = { resource: 'account', operation: 'getLastDataUpdate' };
const CREDENTIAL_FIELDS = {
	optimoveApi: ['baseUrl', 'apiKey', 'webhookSecret', 'promotionsBaseUrl', 'restRateLimit'],
	optimoveEventsApi: ['endpointUrl', 'tenantId', 'eventsToken'],
};
const WRONG_KEY = 'not-the-right-key'; // the key of ctx.credentials.wrongKey (fixtures.mjs)

/** The package is registered in a real n8n, and a workflow using its credential reaches the sandbox. */
export function register(ctx) {
	describe('foundation', () => {
		let sandboxDate;
		before(async () => {
			// The oracle: what the sandbox itself answers to the right key.
			const res = await fetch(`${ctx.sandbox.url}/General/GetLastDataUpdate`, { headers: { 'X-API-KEY': SANDBOX_API_KEY } });
			assert.equal(res.status, 200);
			sandboxDate = (await res.json()).Date;
			assert.match(sandboxDate, /^\d{4}-\d{2}-\d{2}$/);
		});

		it('registers the nodes under n8n-nodes-optimove.* (GET /types/nodes.json)', async () => {
			const types = await ctx.n8n.nodeTypes();
			const ours = types.filter((t) => t.name.startsWith(`${PACKAGE}.`));
			const action = ours.find((t) => t.name === ACTION);
			const trigger = ours.find((t) => t.name === TRIGGER);
			assert.ok(action, `${ACTION} missing; registered: ${ours.map((t) => t.name).join(', ') || 'none'}`);
			assert.ok(trigger, `${TRIGGER} missing; registered: ${ours.map((t) => t.name).join(', ')}`);
			assert.equal(action.displayName, 'Optimove');
			assert.equal(trigger.displayName, 'Optimove Trigger');
			assert.ok(trigger.group.includes('trigger'), 'the trigger is in the trigger group');
			assert.ok(trigger.webhooks?.length > 0, 'the trigger declares webhooks');
			assert.ok(action.credentials.some((c) => c.name === 'optimoveApi'), 'the action node uses optimoveApi');
			assert.ok(trigger.credentials.some((c) => c.name === 'optimoveApi'), 'the trigger uses optimoveApi');
			assert.doesNotMatch(ctx.n8n.logs(), new RegExp(`(error|failed)[^\\n]*${PACKAGE}`, 'i'), 'n8n logged no error about the package');
		});

		it('registers the credential types with their fields (GET /types/credentials.json, public schema)', async () => {
			const types = await ctx.n8n.credentialTypes();
			for (const [name, fields] of Object.entries(CREDENTIAL_FIELDS)) {
				const type = types.find((t) => t.name === name);
				assert.ok(type, `credential type ${name} missing`);
				const properties = type.properties.map((p) => p.name);
				for (const field of fields) assert.ok(properties.includes(field), `${name}.${field} missing (has ${properties.join(', ')})`);
				// the public API validates credential data against this schema
				const schema = await ctx.n8n.api('GET', `/credentials/schema/${name}`);
				for (const field of fields) assert.ok(schema.properties[field], `${name}.${field} missing in the public schema`);
			}
			const apiKey = types.find((t) => t.name === 'optimoveApi').properties.find((p) => p.name === 'apiKey');
			assert.equal(apiKey.typeOptions?.password, true, 'the API key is a password field');
		});

		describe('a workflow with the Optimove API credential', () => {
			const workflowIds = [];
			after(async () => {
				for (const id of workflowIds) await ctx.n8n.api('DELETE', `/workflows/${id}`).catch(() => undefined);
			});

			/** Manual Trigger → Optimove (getLastDataUpdate), run the way the editor's "Execute workflow" does. */
			async function runManually(credential, label) {
				const id = await ctx.n8n.createWorkflow({
					name: `foundation: ${label}`,
					nodes: [
						node('Manual Trigger', 'n8n-nodes-base.manualTrigger', {}),
						node('Optimove', ACTION, { ...LAST_DATA_UPDATE }, { credential }),
					],
					connections: chain('Manual Trigger', 'Optimove'),
				});
				workflowIds.push(id);
				return ctx.n8n.execute(id, { trigger: 'Manual Trigger' });
			}

			const outputOf = (execution) => execution.data.resultData.runData.Optimove[0].data.main[0].map((item) => item.json);

			it('runs from a Manual Trigger and outputs the sandbox date', async () => {
				const execution = await runManually(ctx.credentials.optimoveApi, 'manual, right key');
				assert.equal(execution.mode, 'manual');
				assert.equal(execution.status, 'success', JSON.stringify(executionError(execution)));
				const items = outputOf(execution);
				assert.equal(items.length, 1);
				assert.ok(Object.values(items[0]).includes(sandboxDate), `output ${JSON.stringify(items)} lacks ${sandboxDate}`);
			});

			it('runs published, from a production webhook, and answers with the sandbox date', async () => {
				const hook = 'e2e-foundation-account';
				const id = await ctx.n8n.createWorkflow({
					name: 'foundation: published webhook',
					nodes: [webhookNode(hook), node('Optimove', ACTION, { ...LAST_DATA_UPDATE }, { credential: ctx.credentials.optimoveApi })],
					connections: chain('Webhook', 'Optimove'),
				});
				workflowIds.push(id);
				await ctx.n8n.publish(id);
				try {
					const response = await postJson(ctx.n8n.webhookUrl(hook), {});
					assert.equal(response.status, 200, JSON.stringify(response.body));
					assert.ok(Object.values(response.body[0] ?? response.body).includes(sandboxDate), JSON.stringify(response.body));
					const [execution] = await ctx.n8n.waitForExecutions(id, 1);
					assert.equal(execution.mode, 'webhook');
					assert.equal(execution.status, 'success');
				} finally {
					await ctx.n8n.unpublish(id);
				}
			});

			it('fails with a clear error about the API key when the key is wrong', async () => {
				const execution = await runManually(ctx.credentials.wrongKey, 'manual, wrong key');
				assert.equal(execution.status, 'error');
				const error = executionError(execution);
				assert.ok(error, 'the execution carries an error');
				const text = `${error.message}\n${error.description ?? ''}`;
				assert.match(text, /API key/i, `error names the API key: ${text}`);
				assert.match(text, /401/, `error gives the status: ${text}`);
				assert.equal(execution.data.resultData.lastNodeExecuted, 'Optimove');
				assert.ok(!JSON.stringify(execution).includes(WRONG_KEY), 'the key never appears in the execution');
			});
		});

		describe('credential test', () => {
			// The credential's own message for a wrong key (n8n 1.123 shows its generic text instead: N8N_PROFILES).
			const rejected = () => ctx.n8n.profile.credentialTestRejected;

			it(`${N8N_PROFILE.credentialTestApi === 'public' ? 'public' : 'editor'} API, stored credential: a right key passes, a wrong key is explained`, async () => {
				const ok = await ctx.n8n.testCredential(ctx.credentials.optimoveApi.id);
				assert.equal(ok.status, 'OK', ok.message);
				const wrong = await ctx.n8n.testCredential(ctx.credentials.wrongKey.id);
				assert.equal(wrong.status, 'Error');
				assert.match(wrong.message, rejected());
				assert.ok(!wrong.message.includes(WRONG_KEY), 'the key is not echoed');
			});

			it('editor API (POST /rest/credentials/test) with unsaved data', async () => {
				const test = (apiKey) =>
					ctx.n8n.rest('POST', '/credentials/test', {
						credentials: { id: ctx.credentials.optimoveApi.id, name: 'unsaved', type: 'optimoveApi', data: { baseUrl: ctx.sandbox.url, apiKey } },
					});
				assert.equal((await test(SANDBOX_API_KEY)).status, 'OK');
				const wrong = await test(WRONG_KEY);
				assert.equal(wrong.status, 'Error');
				assert.match(wrong.message, rejected());
			});
		});
	});
}
