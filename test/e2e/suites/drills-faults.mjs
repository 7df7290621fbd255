import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chain, node, postJson, webhookNode } from '../../../tools/n8n/fixtures.mjs';

// Drill (issue 7): Optimove (the sandbox) answers 20% of calls with 429, 10% with 500, resets 5%
// of connections before processing them and adds latency spikes, while approvals (scheduled lists
// and triggered), events and attribute updates run with Continue On Fail. Every item must end
// accepted or reported failed; what the sandbox holds plus what was reported failed must equal
// what was sent; nothing reported sent may be missing at the sandbox; no duplicates.
// scripts/drills.mjs runs the same drill larger (test/drills/faults-large.mjs).

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const CONTINUE = { onError: 'continueRegularOutput' };
export const FAULTS = { rate429: 0.2, rate500: 0.1, resetRate: 0.05, spikeRate: 0.05, spikeMs: 1500, latencyMs: 5, latencyJitterMs: 20 };
const NO_FAULTS = { rate429: 0, rate500: 0, resetRate: 0, resetAfterRate: 0, latencyMs: 0, latencyJitterMs: 0, spikeRate: 0, spikeMs: 0, retryAfter: null, match: null, next: [] };
export const CI_SIZES = { approvalItems: 20, customersPerItem: 5, triggered: 20, events: 100, attributeCalls: 10, customersPerAttributeCall: 3 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every notification of the batch reached this drill's trigger and got 200 (other webhooks of the tenant are not ours to judge). */
function assertDelivered(batch, hook, count) {
	const mine = batch.results.map((r) => r.deliveries.find((d) => d.url.includes(`/webhook/${hook}/`)));
	const statuses = {};
	for (const d of mine) statuses[d?.status ?? d?.error ?? 'not delivered'] = (statuses[d?.status ?? d?.error ?? 'not delivered'] ?? 0) + 1;
	assert.deepEqual(statuses, { 200: count }, 'every notification accepted by the trigger');
}

/** Registers the faults drill with the given sizes; `tag` keeps names apart when run twice. */
export function registerFaultsDrill(ctx, sizes = CI_SIZES, tag = 'ci') {
	describe(`drill: faults at Optimove (${tag}: 20% 429, 10% 500, 5% resets, latency spikes)`, () => {
		const published = [];
		const ids = {};
		const figures = {};
		let injectedBefore;

		/** Webhook (answers with the last node's items) → Split Out body.items → the Optimove node. */
		async function publishChain(hook, optimoveNode) {
			const id = await ctx.n8n.createWorkflow({
				name: `drill faults ${tag}: ${hook}`,
				nodes: [webhookNode(hook), node('Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} }), optimoveNode],
				connections: chain('Webhook', 'Split Out', optimoveNode.name),
			});
			await ctx.n8n.publish(id);
			published.push(id);
			return id;
		}

		before(() => {
			injectedBefore = { ...ctx.sandbox.state.faultsInjected };
			ctx.sandbox.setFaults({ ...NO_FAULTS, ...FAULTS });
		});
		after(async () => {
			ctx.sandbox.setFaults(NO_FAULTS);
			for (const id of published) await ctx.n8n.unpublish(id).catch(() => undefined);
			const injected = Object.fromEntries(Object.entries(ctx.sandbox.state.faultsInjected).map(([k, v]) => [k, v - (injectedBefore[k] ?? 0)]));
			console.log(`# drill faults (${tag}): injected ${JSON.stringify(injected)}; ${JSON.stringify(figures)}`);
		});

		it(`scheduled approvals: ${sizes.approvalItems} customer lists of ${sizes.customersPerItem}, every one accepted or reported failed`, { timeout: 600_000 }, async () => {
			const total = sizes.approvalItems * sizes.customersPerItem;
			const campaign = ctx.sandbox.createCampaign({ customers: total, clearanceInMs: 60 * 60_000 });
			const cid = campaign.campaignId;
			await publishChain(
				`drill-faults-${tag}-approvals`,
				node(
					'Approve',
					OPTIMOVE,
					{ resource: 'conditionalExecution', operation: 'approveCustomers', input: 'list', customersField: 'customers', campaignId: '={{ $json.CampaignID }}', approved: true, clearanceRequiredBy: campaign.clearanceRequiredBy },
					{ credential: ctx.credentials.optimoveApi, extra: CONTINUE },
				),
			);
			const items = Array.from({ length: sizes.approvalItems }, (_, i) => ({
				CampaignID: cid,
				customers: Array.from({ length: sizes.customersPerItem }, (_, j) => `C${cid}-${i * sizes.customersPerItem + j + 1}`),
			}));
			const res = await postJson(ctx.n8n.webhookUrl(`drill-faults-${tag}-approvals`), { items });
			assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
			assert.equal(res.body.length, items.length, 'one output item per input item');
			const sentIds = [];
			const failedIds = [];
			res.body.forEach((out, i) => {
				if (out.sent === true) sentIds.push(...items[i].customers);
				else {
					assert.ok(out.error, `item ${i} is neither sent nor failed: ${JSON.stringify(out)}`);
					failedIds.push(...items[i].customers);
				}
			});
			const held = ctx.sandbox.approvals(cid);
			figures.approvals = { sent: total, accepted: held.count, reportedFailed: failedIds.length, calls: held.counts.calls, overwrites: held.counts.overwrites };
			assert.equal(held.count + failedIds.length, total, 'accepted at the sandbox + reported failed = sent');
			assert.deepEqual([...held.approved].sort(), [...sentIds].sort(), 'the sandbox holds exactly what was reported sent');
			assert.equal(held.counts.overwrites, 0, 'no customer reported twice');
			assert.equal(held.counts.calls, sizes.approvalItems - failedIds.length / sizes.customersPerItem, 'one recorded call per sent item');
		});

		it(`triggered approvals: ${sizes.triggered} notifications, every one approved once or reported failed`, { timeout: 600_000 }, async () => {
			const hook = `drill-faults-${tag}-triggered`;
			const id = await ctx.n8n.createWorkflow({
				name: `drill faults ${tag}: triggered`,
				nodes: [
					node('Optimove Trigger', TRIGGER, { source: 'triggeredConditionalExecution', options: {} }, { credential: ctx.credentials.optimoveApi, webhookId: hook, typeVersion: 1.1 }),
					node('Approve', OPTIMOVE, { resource: 'conditionalExecution', operation: 'sendTriggeredApproval', approved: true, options: {} }, { credential: ctx.credentials.optimoveApi, extra: CONTINUE }),
				],
				connections: chain('Optimove Trigger', 'Approve'),
			});
			// Registration itself goes through the faults (retried); the webhook list must hold it once.
			await ctx.n8n.publish(id);
			published.push(id);
			ids.triggered = id;
			const mine = [...ctx.sandbox.state.webhooks.values()].filter((h) => h.url.includes(`/webhook/${hook}/`));
			assert.equal(mine.length, 1, 'one webhook registered despite the faults');
			const before = { ...ctx.sandbox.state.triggered };
			// 5 per second, open loop: the deliveries to n8n are not faulted, only n8n's calls to Optimove.
			const batch = await ctx.sandbox.fireTriggered({ count: sizes.triggered, mode: 'signed', ratePerSec: 5 });
			assertDelivered(batch, hook, sizes.triggered);
			const executions = await ctx.n8n.waitForExecutions(id, sizes.triggered, { timeoutMs: 120_000 });
			await sleep(1000);
			const byUid = new Map();
			for (const e of executions) {
				const out = e.data.resultData.runData.Approve?.[0]?.data?.main?.[0]?.[0]?.json;
				const uid = e.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json.requestUid;
				assert.ok(out, `execution ${e.id} has an Approve output`);
				byUid.set(uid, out);
			}
			let accepted = 0;
			let failed = 0;
			let lost = 0;
			for (const r of batch.results) {
				const out = byUid.get(r.request_uid);
				const n = ctx.sandbox.notification(r.request_uid);
				assert.ok(out, `notification ${r.request_uid} ran`);
				if (out.sent === true) {
					accepted++;
					if (!n.approval) lost++;
				} else {
					assert.ok(out.error, JSON.stringify(out));
					failed++;
					assert.equal(n.approval, null, `${r.request_uid} reported failed but the sandbox holds an approval`);
				}
				assert.equal(n.duplicates, 0, `${r.request_uid} approved once`);
			}
			const st = ctx.sandbox.state.triggered;
			figures.triggered = { sent: sizes.triggered, accepted: st.approvals - before.approvals, reportedFailed: failed, late: st.lateApprovals - before.lateApprovals, duplicates: st.duplicateApprovals - before.duplicateApprovals };
			assert.equal(lost, 0, 'nothing reported sent that the sandbox does not hold');
			assert.equal(st.approvals - before.approvals + failed, sizes.triggered, 'accepted + reported failed = sent');
			assert.equal(st.approvals - before.approvals, accepted);
		});

		it(`events: ${sizes.events} custom events in signed batches of 10, every one accepted or reported failed`, { timeout: 600_000 }, async () => {
			const hook = `drill-faults-${tag}-events`;
			await publishChain(
				hook,
				node('Send Event', OPTIMOVE, { resource: 'event', operation: 'sendCustomEvent', eventKey: 'drill_fault_probe', parametersFrom: 'item' }, { credential: ctx.credentials.optimoveEventsApi, extra: CONTINUE }),
			);
			const run = `${tag}-${Date.now()}`;
			const items = Array.from({ length: sizes.events }, (_, k) => ({ customer: `F-${run}-${k}`, seq: k }));
			const acceptedBefore = ctx.sandbox.state.events.accepted;
			const duplicatesBefore = ctx.sandbox.state.events.duplicates;
			const res = await postJson(ctx.n8n.webhookUrl(hook), { items });
			assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
			assert.equal(res.body.length, items.length);
			const sent = new Set();
			let failed = 0;
			res.body.forEach((out, k) => {
				if (out.sent === true) sent.add(items[k].customer);
				else {
					assert.ok(out.error, JSON.stringify(out));
					failed++;
				}
			});
			const held = new Set(ctx.sandbox.events({ limit: 100_000 }).recent.filter((e) => e.event === 'drill_fault_probe' && String(e.customer).startsWith(`F-${run}-`)).map((e) => e.customer));
			const accepted = ctx.sandbox.state.events.accepted - acceptedBefore;
			const duplicates = ctx.sandbox.state.events.duplicates - duplicatesBefore;
			figures.events = { sent: sizes.events, accepted, reportedFailed: failed, duplicates };
			assert.equal(accepted + failed, sizes.events, 'accepted + reported failed = sent');
			assert.equal(duplicates, 0, 'no event accepted twice');
			assert.deepEqual([...sent].filter((c) => !held.has(c)), [], 'nothing reported sent that the sandbox does not hold');
			assert.deepEqual([...held].filter((c) => !sent.has(c)), [], 'nothing held that was reported failed');
		});

		it(`attribute updates: ${sizes.attributeCalls} calls of ${sizes.customersPerAttributeCall} customers, every one written or reported failed`, { timeout: 600_000 }, async () => {
			const hook = `drill-faults-${tag}-attributes`;
			await publishChain(
				hook,
				node(
					'Update Attributes',
					OPTIMOVE,
					{ resource: 'customer', operation: 'updateAttributes', customerId: '={{ $json.CustomerID }}', attributesFrom: 'item', skipFields: 'CustomerID' },
					{ credential: ctx.credentials.optimoveApi, extra: CONTINUE },
				),
			);
			const run = `${tag}${Date.now()}`;
			const requestsBefore = ctx.sandbox.state.attributeUpdates.requests;
			const sent = [];
			const failed = [];
			// One execution per call (the node sends up to 1000 customers per call).
			for (let c = 0; c < sizes.attributeCalls; c++) {
				const items = Array.from({ length: sizes.customersPerAttributeCall }, (_, j) => ({ CustomerID: `A-${run}-${c}-${j}`, FirstName: `Drill${c}x${j}` }));
				const res = await postJson(ctx.n8n.webhookUrl(hook), { items });
				assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
				res.body.forEach((out, j) => (out.error ? failed : sent).push(items[j]));
				for (const out of res.body) assert.ok(out.error || out.sent === true || out.requestId, `accepted or failed: ${JSON.stringify(out)}`);
			}
			const profiles = ctx.sandbox.state.profiles;
			const missing = sent.filter((i) => profiles.get(i.CustomerID)?.get('firstname')?.Value !== i.FirstName);
			const writtenAnyway = failed.filter((i) => profiles.has(i.CustomerID));
			const requests = ctx.sandbox.state.attributeUpdates.requests - requestsBefore;
			const total = sizes.attributeCalls * sizes.customersPerAttributeCall;
			figures.attributes = { sent: total, written: sent.length - missing.length, reportedFailed: failed.length, calls: requests };
			assert.deepEqual(missing.map((i) => i.CustomerID), [], 'nothing reported sent that the sandbox does not hold');
			assert.deepEqual(writtenAnyway.map((i) => i.CustomerID), [], 'nothing reported failed was written');
			assert.equal(sent.length - missing.length + failed.length, total, 'written + reported failed = sent');
			assert.equal(requests, sizes.attributeCalls - failed.length / sizes.customersPerAttributeCall, 'one recorded call per accepted call: no duplicates');
		});

		it('when Optimove answers every call with 500: each triggered approval and event is reported failed after its retries, and the sandbox holds none', { timeout: 600_000 }, async () => {
			ctx.sandbox.setFaults({ ...NO_FAULTS, rate500: 1 });
			try {
				// The triggered workflow of the test above is still published.
				const approvalsBefore = ctx.sandbox.state.triggered.approvals;
				const hooks = [...ctx.sandbox.state.webhooks.values()].filter((h) => h.url.includes(`/webhook/drill-faults-${tag}-triggered/`));
				assert.equal(hooks.length, 1);
				const triggeredId = ids.triggered;
				assert.ok(triggeredId, 'the triggered workflow of the test above is published');
				const executionsBefore = (await ctx.n8n.executions(triggeredId)).length;
				const batch = await ctx.sandbox.fireTriggered({ count: 3, mode: 'signed' });
				assertDelivered(batch, `drill-faults-${tag}-triggered`, 3);
				const executions = (await ctx.n8n.waitForExecutions(triggeredId, executionsBefore + 3, { timeoutMs: 60_000 })).slice(0, 3);
				for (const e of executions) {
					const out = e.data.resultData.runData.Approve[0].data.main[0][0].json;
					assert.notEqual(out.sent, true);
					assert.match(out.error, /500|server/i);
				}
				assert.equal(ctx.sandbox.state.triggered.approvals, approvalsBefore, 'no approval held');

				const acceptedBefore = ctx.sandbox.state.events.accepted;
				const res = await postJson(ctx.n8n.webhookUrl(`drill-faults-${tag}-events`), { items: Array.from({ length: 10 }, (_, k) => ({ customer: `H-${tag}-${k}` })) });
				assert.equal(res.status, 200);
				assert.equal(res.body.length, 10);
				for (const out of res.body) assert.ok(out.error && out.sent !== true, JSON.stringify(out));
				assert.equal(ctx.sandbox.state.events.accepted, acceptedBefore, 'no event held');
				figures.allFail = { triggeredReportedFailed: executions.length, eventsReportedFailed: res.body.length, held: 0, error: res.body[0].error };
			} finally {
				ctx.sandbox.setFaults({ ...NO_FAULTS, ...FAULTS });
			}
		});
	});
}

export function register(ctx) {
	registerFaultsDrill(ctx, CI_SIZES, 'ci');
}
