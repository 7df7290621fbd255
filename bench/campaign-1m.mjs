#!/usr/bin/env node
// Scheduled conditional execution at scale: a campaign of N customers (default 1 000 000) read and
// approved through a real n8n against the sandbox at Optimove's real rate limit (50 requests per
// 10 s per key), started by the Optimove Trigger (type 5) as in production (a Webhook node fed the
// same payload if the trigger is not built). Per output mode: time vs the rate-limit floor, 429s,
// calls, n8n's peak memory, and where the time goes (read / scrub / approve phases, from the
// sandbox's side).
// Modes: pages (one item per page, the deadline guard on), customers (one item per customer, no
// deadline), guarded (one item per customer with Clearance Required By taken from the trigger, as a
// user would wire the guard).
//   node bench/campaign-1m.mjs [--customers 1000000] [--per-customer 100000] [--modes pages,customers,guarded] [--scrub code|none]
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseCli } from '../scripts/lib/args.mjs';
import { chain, node, webhookNode } from '../tools/n8n/fixtures.mjs';
import { peakRssMiB, startBench, table, writeResult } from './lib.mjs';

const args = parseCli({
	customers: { type: 'string', default: '1000000' },
	'per-customer': { type: 'string', default: '100000' },
	modes: { type: 'string', default: 'pages,customers,guarded' },
	scrub: { type: 'string', default: 'code' },
});
const PAGE_CUSTOMERS = Number(args.customers);
const ITEM_CUSTOMERS = Number(args['per-customer']);
const MODES = args.modes.split(',');
// code: a Code node applies the scrubbing rule (what users write); none: every customer approved
// as read (isolates what n8n's Code node and task runner cost from the node's own reads and writes).
const SCRUB = args.scrub;
const PAGE = 10_000;
const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const KEY = 'sandbox-api-key';

// The scrubbing rule of the e2e suite: OptIn = Yes and Country ≠ BR.
const SCRUB_PAGES = `return $input.all().map((page) => ({ json: { CampaignID: page.json.CampaignID, customers: page.json.customers.map((c) => ({ CustomerID: c.CustomerID, approved: c.CustomerAttributes.OptIn === 'Yes' && c.CustomerAttributes.Country !== 'BR' })) } }));`;
const SCRUB_ITEMS = `return $input.all().map((c) => ({ json: { CampaignID: c.json.CampaignID, CustomerID: c.json.CustomerID, ok: c.json.CustomerAttributes.OptIn === 'Yes' && c.json.CustomerAttributes.Country !== 'BR' } }));`;

function workflow(mode, credential, useTrigger) {
	const hookPath = `bench-campaign-${mode}`;
	const start = useTrigger
		? node('Start', TRIGGER, { source: 'eventListeners', events: [5] }, { credential, webhookId: hookPath })
		: webhookNode(hookPath, { responseMode: 'onReceived' });
	start.name = 'Start';
	const campaignId = useTrigger ? '={{ $json.campaignId }}' : '={{ $json.body.CampaignID }}';
	const clearance = useTrigger ? "={{ $('Start').first().json.clearanceRequiredBy }}" : "={{ $('Start').first().json.body.ClearanceRequiredBy }}";
	const read = node(
		'Get Processed Customers',
		OPTIMOVE,
		{ resource: 'campaign', operation: 'getProcessedCustomers', campaignId, customerAttributes: ['Country', 'OptIn'], returnAll: true, output: mode === 'pages' ? 'pages' : 'customers' },
		{ credential },
	);
	const scrub = node('Scrub', 'n8n-nodes-base.code', { jsCode: mode === 'pages' ? SCRUB_PAGES : SCRUB_ITEMS }, { typeVersion: 2 });
	// The deadline guard is on per page and in the guarded mode (the trigger's clearance time, read
	// with .first() as the natural wiring); the customers mode leaves it out, for comparison.
	const approve = node(
		'Approve Customers',
		OPTIMOVE,
		mode === 'pages'
			? { resource: 'conditionalExecution', operation: 'approveCustomers', input: 'list', customersField: 'customers', campaignId: '={{ $json.CampaignID }}', approved: true, clearanceRequiredBy: clearance, options: { output: 'summary' } }
			: {
					resource: 'conditionalExecution',
					operation: 'approveCustomers',
					input: 'item',
					campaignId: '={{ $json.CampaignID }}',
					customerId: '={{ $json.CustomerID }}',
					approved: '={{ $json.ok }}',
					...(mode === 'guarded' ? { clearanceRequiredBy: clearance } : {}),
					options: { output: 'summary' },
				},
		{ credential },
	);
	if (SCRUB === 'none') {
		if (mode === 'pages') approve.parameters.customersField = 'customers';
		else approve.parameters.approved = true;
		return { name: `bench ${mode}`, nodes: [start, read, approve], connections: chain('Start', 'Get Processed Customers', 'Approve Customers') };
	}
	return { name: `bench ${mode}`, nodes: [start, read, scrub, approve], connections: chain('Start', 'Get Processed Customers', 'Scrub', 'Approve Customers') };
}

function expectedApproved(n) {
	let count = 0;
	for (let k = 1; k <= n; k++) if (k % 3 !== 0 && k % 10 !== 9) count++;
	return count;
}

/** Resident memory (VmRSS, MiB) of n8n's main process and of its children (the task runner). */
function rssTree(pid) {
	const rss = (p) => {
		try {
			return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]) / 1024;
		} catch {
			return 0;
		}
	};
	let children = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) children += rss(entry);
		} catch {
			/* gone */
		}
	}
	return { main: rss(pid), children };
}

const bench = await startBench({
	// n8n keeps no successful run data: saving a million customers per node is not what this measures.
	n8nEnv: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_PAYLOAD_SIZE_MAX: '512', N8N_RUNNERS_MAX_PAYLOAD: String(1024 ** 3) },
});
const useTrigger = (await bench.n8n.nodeTypes()).some((t) => t.name === TRIGGER);
const MODE_NAMES = {
	pages: 'one item per page',
	customers: 'one item per customer',
	guarded: 'one item per customer, deadline guard from the trigger',
};
for (const mode of MODES) if (!MODE_NAMES[mode]) throw new Error(`unknown mode "${mode}" (${Object.keys(MODE_NAMES).join(', ')})`);
const rows = [];
const phases = [];
try {
	for (const mode of MODES) {
		const customers = mode === 'pages' ? PAGE_CUSTOMERS : ITEM_CUSTOMERS;
		const { campaignId } = bench.sandbox.createCampaign({ customers, clearanceInMs: 3 * 3600_000 });
		const id = await bench.n8n.createWorkflow(workflow(mode, bench.credentials.optimoveApi, useTrigger));
		await bench.n8n.publish(id);
		if (!useTrigger) {
			await fetch(`${bench.sandbox.url}/General/RegisterEventListener`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': KEY },
				body: JSON.stringify({ EventTypeID: 5, ListenerURL: bench.n8n.webhookUrl(`bench-campaign-${mode}`) }),
			});
		}
		// Let publishing's own calls (listener registration) leave the 10 s window before timing.
		await new Promise((resolve) => setTimeout(resolve, 10_500));
		const keyBefore = structuredClone(bench.sandbox.report().keys[KEY]);
		const campaign = () => bench.sandbox.report().campaigns.find((c) => c.campaignId === campaignId);

		let peakMain = 0;
		let peakChildren = 0;
		const marks = { pagesRead: bench.sandbox.report().customerReads.processed.pages };
		const loadBefore = os.loadavg()[0];
		const started = Date.now();
		const delivery = await bench.sandbox.notifyCampaign(campaignId);
		if (delivery.status !== 200) throw new Error(`notification not delivered: ${JSON.stringify(delivery)}`);
		const expectedPages = Math.floor(customers / PAGE) + 1; // the last page is short or empty
		for (;;) {
			const { main, children } = rssTree(bench.n8n.pid);
			peakMain = Math.max(peakMain, main);
			peakChildren = Math.max(peakChildren, children);
			const c = campaign();
			const t = (Date.now() - started) / 1000;
			const pagesRead = bench.sandbox.report().customerReads.processed.pages;
			if (pagesRead !== marks.pagesRead) [marks.pagesRead, marks.lastRead] = [pagesRead, t];
			if (marks.firstApproval === undefined && c.approvals.calls > 0) marks.firstApproval = t;
			if (c.approvals.reports >= customers) break;
			if (t > 60 * 60) throw new Error(`timed out: ${c.approvals.reports} of ${customers} reported`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const seconds = (Date.now() - started) / 1000;
		const c = campaign();
		const keyAfter = bench.sandbox.report().keys[KEY];
		const calls = keyAfter.requests - keyBefore.requests;
		const rateLimited = keyAfter.rateLimited - keyBefore.rateLimited;
		const floor = (calls / 50) * 10;
		const floorMargin = (calls / 50) * 10.25;
		const ok = c.approvals.approved === (SCRUB === 'none' ? customers : expectedApproved(customers)) && c.approvals.lateApproved === 0 && c.approvals.lateRejected === 0;
		rows.push({
			mode: MODE_NAMES[mode],
			customers,
			calls,
			expectedCalls: expectedPages + Math.ceil(customers / PAGE),
			seconds: seconds.toFixed(1),
			floor10s: floor.toFixed(1),
			floor10_25s: floorMargin.toFixed(1),
			ratio: (seconds / floor).toFixed(2),
			ratioMargin: (seconds / floorMargin).toFixed(2),
			'429s': rateLimited,
			approvedOk: ok,
			mainPeakMiB: peakMain.toFixed(0),
			runnerPeakMiB: peakChildren.toFixed(0),
			vmHwmMiB: peakRssMiB(bench.n8n.pid).toFixed(0),
			load1m: `${loadBefore.toFixed(1)}→${os.loadavg()[0].toFixed(1)}`,
		});
		phases.push({
			mode,
			customers,
			readSeconds: marks.lastRead?.toFixed(1),
			firstApprovalSeconds: marks.firstApproval?.toFixed(1),
			approveSeconds: (seconds - (marks.firstApproval ?? 0)).toFixed(1),
			readCalls: expectedPages,
			approvalCalls: c.approvals.calls,
		});
		console.log(table(rows.slice(-1)));
		console.log(table(phases.slice(-1)));
		await bench.n8n.unpublish(id);
	}
} finally {
	await bench.stop();
}
console.log(`\n${table(rows)}\n`);
console.log(`${table(phases)}\n`);
console.log(
	`start: ${useTrigger ? 'Optimove Trigger (type 5)' : 'Webhook node (trigger not built)'}; floor10s = calls ÷ 50 per 10 s, floor10_25s = the same with the client's 250 ms margin per window; ratio = seconds ÷ floor. ` +
		'readSeconds ≈ notification → last page read; firstApprovalSeconds = when the first approval call arrived (reading + scrubbing done); approveSeconds = first approval → last. ' +
		'vmHwmMiB = VmHWM of the n8n main process since boot (cumulative over the modes in run order); mainPeakMiB/runnerPeakMiB = VmRSS peaks sampled every 250 ms during this mode; ' +
		'load1m = the machine\'s 1-minute load average at the notification → at the last approval (2 cores; the machine may be shared).',
);
console.log(`written ${writeResult(SCRUB === 'code' ? 'campaign-1m' : `campaign-1m-scrub-${SCRUB}`, { scrub: SCRUB, start: useTrigger ? 'optimoveTrigger' : 'webhook', rows, phases })}`);
