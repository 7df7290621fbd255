import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chain, node, SANDBOX_API_KEY } from '../../../tools/n8n/fixtures.mjs';

// Drill (issue 7), run LAST (after every other suite of the run): no API key, signing secret or
// events token appears in n8n's logs, in any execution's data or in an error message. Before
// looking, it provokes the error paths most likely to carry a secret: a wrong API key, a wrong
// events token, 500s on every kind of call (publish with "Push Signing Secret", approvals, events,
// attribute updates), and a failing publish.

export const runLast = true;

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const NO_FAULTS = { rate429: 0, rate500: 0, resetRate: 0, resetAfterRate: 0, latencyMs: 0, latencyJitterMs: 0, spikeRate: 0, spikeMs: 0, retryAfter: null, match: null, next: [] };
const WRONG_EVENTS_TOKEN = 'drill-wrong-events-token-5b9e';

/** Every value that must never show: the credentials' secrets (and their base64, which a Basic header or a careless dump would carry). */
function secretValues(ctx) {
	const config = ctx.sandbox.getConfig();
	const values = {
		'API key': SANDBOX_API_KEY,
		'wrong API key': 'not-the-right-key',
		'signing secret': config.webhookSecret ?? 'sandbox-webhook-secret',
		'events token': config.eventsToken ?? 'sandbox-events-token',
		'wrong events token': WRONG_EVENTS_TOKEN,
	};
	for (const [name, value] of Object.entries({ ...values })) values[`${name} (base64)`] = Buffer.from(value).toString('base64');
	return values;
}

function findLeaks(where, text, secrets) {
	const leaks = [];
	for (const [name, value] of Object.entries(secrets)) {
		let at = text.indexOf(value);
		while (at !== -1) {
			leaks.push(`${name} in ${where}: …${text.slice(Math.max(0, at - 80), at + value.length + 40)}…`);
			at = text.indexOf(value, at + 1);
			if (leaks.length > 20) break;
		}
	}
	return leaks;
}

export function register(ctx) {
	describe('drill: secrets (runs last)', () => {
		const messages = [];

		async function runManual(name, nodes) {
			const id = await ctx.n8n.createWorkflow({ name: `drill secrets: ${name}`, nodes: [node('Manual Trigger', 'n8n-nodes-base.manualTrigger', {}), ...nodes], connections: chain('Manual Trigger', ...nodes.map((n) => n.name)) });
			return ctx.n8n.execute(id, { timeoutMs: 90_000 });
		}

		it('provokes failures on every path that handles a secret', { timeout: 180_000 }, async () => {
			const events = { ...ctx.credentials.optimoveEventsApi };
			const wrongEvents = {
				name: 'Optimove events (wrong token)',
				type: 'optimoveEventsApi',
				data: { endpointUrl: `${ctx.sandbox.url}/reportServer`, tenantId: ctx.sandbox.getConfig().tenantId ?? 1234, eventsToken: WRONG_EVENTS_TOKEN },
			};
			const wrongEventsCredential = { id: await ctx.n8n.createCredential(wrongEvents), name: wrongEvents.name, type: wrongEvents.type };
			const sendEvent = (name, credential) =>
				node(name, OPTIMOVE, { resource: 'event', operation: 'sendCustomEvent', eventKey: 'drill_secret_probe', parametersFrom: 'keyValue', identifyBy: 'customer', identity: 'S1' }, { credential });
			const lastUpdate = (name, credential) => node(name, OPTIMOVE, { resource: 'account', operation: 'getLastDataUpdate' }, { credential });

			// 1. wrong API key, wrong events token (no fault: the sandbox answers 401)
			for (const [what, n] of [
				['wrong API key', lastUpdate('Last Update', ctx.credentials.wrongKey)],
				['wrong events token', sendEvent('Send Event', wrongEventsCredential)],
			]) {
				const execution = await runManual(what, [n]);
				assert.equal(execution.status, 'error', `${what} fails`);
				messages.push(`${what}: ${JSON.stringify(execution.data.resultData.error)}`);
			}

			// 2. 500s on every call of these runs: events, approvals, attribute updates, reads
			ctx.sandbox.setFaults({ ...NO_FAULTS, rate500: 1 });
			try {
				const campaign = ctx.sandbox.createCampaign({ customers: 3, clearanceInMs: 10 * 60_000 });
				const runs = [
					['event under 500s', [sendEvent('Send Event', events)]],
					['read under 500s', [lastUpdate('Last Update', ctx.credentials.optimoveApi)]],
					[
						'approval under 500s',
						[node('Approve', OPTIMOVE, { resource: 'conditionalExecution', operation: 'approveCustomers', input: 'item', campaignId: String(campaign.campaignId), customerId: `C${campaign.campaignId}-1`, approved: true }, { credential: ctx.credentials.optimoveApi })],
					],
					[
						'triggered approval under 500s',
						[node('Approve', OPTIMOVE, { resource: 'conditionalExecution', operation: 'sendTriggeredApproval', requestUid: 'no-such-uid', approvalDeadline: '', approved: true }, { credential: ctx.credentials.optimoveApi })],
					],
				];
				for (const [what, nodes] of runs) {
					const execution = await runManual(what, nodes);
					assert.equal(execution.status, 'error', `${what} fails`);
					messages.push(`${what}: ${JSON.stringify(execution.data.resultData.error)}`);
				}

				// 3. a publish that pushes the signing secret to Optimove and fails there
				const id = await ctx.n8n.createWorkflow({
					name: 'drill secrets: push settings under 500s',
					nodes: [node('Optimove Trigger', TRIGGER, { source: 'triggeredConditionalExecution', options: { pushSettings: true } }, { credential: ctx.credentials.optimoveApi, webhookId: 'drill-secrets-push', typeVersion: 1.1 })],
					connections: {},
				});
				await assert.rejects(ctx.n8n.publish(id), (error) => {
					messages.push(`publish with Push Signing Secret: ${error.message} ${JSON.stringify(error.body ?? '')}`);
					return true;
				});
			} finally {
				ctx.sandbox.setFaults(NO_FAULTS);
			}
		});

		it('no secret in n8n\'s logs, in any execution\'s data, in any error message, or in any workflow', async () => {
			const secrets = secretValues(ctx);
			const leaks = [];
			leaks.push(...findLeaks("n8n's log", ctx.n8n.logs(), secrets));
			leaks.push(...findLeaks('error messages', messages.join('\n'), secrets));

			let executions = 0;
			let cursor;
			do {
				const query = new URLSearchParams({ includeData: 'true', limit: '100' });
				if (cursor) query.set('cursor', cursor);
				const page = await ctx.n8n.api('GET', `/executions?${query}`);
				for (const execution of page.data) {
					executions++;
					leaks.push(...findLeaks(`execution ${execution.id} (workflow ${execution.workflowId})`, JSON.stringify(execution), secrets));
				}
				cursor = page.nextCursor;
			} while (cursor);

			const workflows = await ctx.n8n.api('GET', '/workflows?limit=250');
			for (const workflow of workflows.data) leaks.push(...findLeaks(`workflow ${workflow.id}`, JSON.stringify(workflow), secrets));

			console.log(
				`# drill secrets: ${Object.keys(secrets).length} values searched in ${ctx.n8n.logs().length} bytes of n8n log, ${executions} executions (with data), ${workflows.data.length} workflows, ${messages.length} provoked errors: ${leaks.length} leak(s)`,
			);
			assert.ok(executions > 0, 'there are executions to search');
			assert.deepEqual(leaks, [], 'no secret anywhere');
		});
	});
}
