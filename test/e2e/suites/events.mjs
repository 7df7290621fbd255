import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chain, node, postJson, webhookNode } from '../../../tools/n8n/fixtures.mjs';

/**
 * Publishes Webhook → Split Out (`body.<field>`) → Optimove with `parameters`, on the events
 * credential, errors as items; returns the webhook path.
 */
async function publishEventsFlow(ctx, { path, name, field, parameters }) {
	const id = await ctx.n8n.createWorkflow({
		name,
		nodes: [
			webhookNode(path),
			node('Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: `body.${field}`, include: 'noOtherFields', options: {} }),
			node('Optimove', 'n8n-nodes-optimove.optimove', parameters, {
				credential: ctx.credentials.optimoveEventsApi,
				extra: { onError: 'continueRegularOutput' },
			}),
		],
		connections: chain('Webhook', 'Split Out', 'Optimove'),
	});
	await ctx.n8n.publish(id);
	return path;
}

/** A mix of valid and invalid OOTB events: the sandbox must hold exactly the valid ones. */
export function register(ctx) {
	describe('Event-based integration', () => {
		let hook;
		before(async () => {
			hook = await publishEventsFlow(ctx, {
				path: 'e2e-events',
				name: 'events',
				field: 'events',
				parameters: { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_deposit', parametersFrom: 'item' },
			});
		});

		it('sends the valid events in signed batches of 10 and reports each invalid one', async () => {
			const before = ctx.sandbox.events({ limit: 1 }).accepted;
			const valid = Array.from({ length: 23 }, (_, k) => ({
				customer: `E${k}`,
				timestamp: `2026-11-22T10:${String(k).padStart(2, '0')}:00+02:00`,
				ootb_transaction_id: `tx-${k}`,
				deposit_amount: String(10 + k),
				ootb_deposit_timestamp: 1764000000 + k,
				row_number: k,
			}));
			const invalid = [
				{ customer: 'X1', timestamp: '2026-11-22T10:00:00Z' }, // no transaction id
				{ timestamp: '2026-11-22T10:00:00Z', ootb_transaction_id: 'tx-x2' }, // neither customer nor visitor
				{ customer: 'X3', ootb_transaction_id: 'tx-x3', deposit_amount: 'ten' }, // not a number
				{ customer: 'X4', ootb_transaction_id: 'tx-x4', timestamp: 'yesterday' }, // unreadable time
				{ customer: 'X5', ootb_transaction_id: 'tx-x5', ootb_deposit_ammount: 5 }, // misspelt parameter
			];
			const events = [...valid.slice(0, 11), ...invalid, ...valid.slice(11)];
			const response = await postJson(ctx.n8n.webhookUrl(hook), { events });
			assert.equal(response.status, 200);
			const out = response.body;
			assert.equal(out.length, events.length, 'one output item per input item');
			const failed = out.filter((o) => o.error);
			assert.equal(failed.length, invalid.length);
			assert.match(failed[0].error, /requires ootb_transaction_id/);
			assert.match(failed[1].error, /Customer ID or a Visitor ID is required/);
			assert.match(failed[2].error, /ootb_deposit_amount must be a number/);
			assert.match(failed[3].error, /Event Time cannot read "yesterday"/);
			assert.match(failed[4].error, /has no parameter ootb_deposit_ammount/);
			const sent = out.filter((o) => o.sent);
			assert.equal(sent.length, valid.length);
			assert.deepEqual([...new Set(sent.map((o) => o.batch))], [1, 2, 3]);
			assert.equal(sent[0].timestamp, '2026-11-22 08:00:00.000000 UTC');
			assert.equal(sent[0].context.ootb_deposit_timestamp, '2025-11-24T16:00:00Z');

			const held = ctx.sandbox.events({ limit: 100 });
			assert.equal(held.accepted - before, valid.length, 'the sandbox holds exactly the valid events');
			const customers = held.recent.map((e) => e.customer ?? e.event?.customer).filter((c) => c?.startsWith('E'));
			assert.deepEqual([...new Set(customers)].sort(), valid.map((v) => v.customer).sort());
			assert.equal(held.rejectedRequests, 0, 'no request was rejected: signature and envelope are right');
		});

		it('sends custom events from key/value pairs and refuses bad names without blocking the rest', async () => {
			const name = await publishEventsFlow(ctx, {
				path: 'e2e-custom-events',
				name: 'custom events',
				field: 'rows',
				parameters: {
					resource: 'event',
					operation: 'sendCustomEvent',
					eventKey: '={{ $json.key }}',
					parametersFrom: 'keyValue',
					identifyBy: 'visitor',
					identity: '={{ $json.visitor }}',
					eventTime: '={{ $json.at }}',
					parameters: { parameter: [{ name: 'new_tier', value: '={{ $json.tier }}' }] },
				},
			});
			const before = ctx.sandbox.events({ limit: 0 }).accepted;
			const rows = [
				{ key: 'tier_changed', visitor: 'V1', at: '2026-11-22 10:00:00 UTC', tier: 'Gold' },
				{ key: 'TierChanged', visitor: 'V2', at: '', tier: 'Gold' },
				{ key: 'tier_changed', visitor: 'V3', at: 1764000000000, tier: 'Silver' },
				{ key: 'ootb_registration', visitor: 'V4', at: '', tier: 'Gold' },
			];
			const response = await postJson(ctx.n8n.webhookUrl(name), { rows });
			assert.equal(response.status, 200);
			const out = response.body;
			assert.equal(out.length, rows.length);
			assert.equal(out[0].sent, true);
			assert.equal(out[0].visitor, 'V1');
			assert.equal(out[0].timestamp, '2026-11-22 10:00:00.000000 UTC');
			assert.match(out[1].error, /must be snake_case/);
			assert.equal(out[2].sent, true);
			assert.equal(out[2].timestamp, '2025-11-24 16:00:00.000000 UTC');
			assert.match(out[3].error, /is an OOTB event/);
			assert.equal(ctx.sandbox.events({ limit: 0 }).accepted - before, 2, 'the sandbox holds exactly the two valid events');
		});

		it('publishes with the event chosen per item and sends each item as its own event', async () => {
			const name = await publishEventsFlow(ctx, {
				path: 'e2e-events-per-item',
				name: 'events per item',
				field: 'rows',
				parameters: { resource: 'event', operation: 'sendOotbEvent', eventSource: 'perItem', eventName: '={{ $json.kind }}', parametersFrom: 'item' },
			});
			// Publishing used to fail: "Missing or invalid required parameters: mandatory_transaction_id, …"
			const before = ctx.sandbox.events({ limit: 0 }).accepted;
			const rows = [
				{ kind: 'ootb_registration', customer: 'P1', email: 'p1@example.test' },
				{ kind: 'deposit', customer: 'P1', transaction_id: 'ptx-1', deposit_amount: 25 },
				{ kind: 'ootb_withdrawal', customer: 'P1', transaction_id: 'ptx-2', withdrawal_timestamp: '2026-11-22T10:00:00Z' },
				{ kind: 'ootb_withdrawal', customer: 'P2', transaction_id: 'ptx-3' }, // no withdrawal_timestamp
				{ kind: 'ootb_user_details_update', customer: 'P1', first_name: 'Pat' },
			];
			const response = await postJson(ctx.n8n.webhookUrl(name), { rows });
			assert.equal(response.status, 200);
			const out = response.body;
			assert.deepEqual(
				out.map((o) => o.event ?? o.error),
				['ootb_registration', 'ootb_deposit', 'ootb_withdrawal', 'Item 3: ootb_withdrawal requires ootb_withdrawal_timestamp', 'ootb_user_details_update'],
			);
			assert.equal(ctx.sandbox.events({ limit: 0 }).accepted - before, 4, 'the sandbox holds exactly the four valid events');
			assert.equal(ctx.sandbox.events({ limit: 0 }).rejectedRequests, 0);
		});
	});
}
