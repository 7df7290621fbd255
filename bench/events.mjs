#!/usr/bin/env node
// Benchmark (not a test): server-side events through the Optimove node in a real n8n versus a raw
// HTTP client sending the same signed batches of 10 to the same sandbox; then registration events
// against Optimove's 50 requests / 10 s limit.
//
//   npm run build
//   node bench/events.mjs [--events 100000] [--expressions 10000] [--registrations 5000]
//
// Throughput phases (each posts its items to a Webhook, Split Out makes one item per event, the
// Webhook answers with the last node's first item once the run is done):
//   baseline     Webhook → Split Out → Limit              n8n's own cost of the items, no node
//   item fields  Webhook → Split Out → Optimove → Limit   Parameters From: Item Fields
//   expressions  the same with Define Below, one expression per field (fewer events: it is slow)
//   raw          a worker thread: the same envelopes, 10 per request, HMAC-signed, one keep-alive
//                connection, one request at a time (as the node does)
// Every phase checks the sandbox accepted exactly its events and rejected no request.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { chain, node, webhookNode } from '../test/e2e/lib/fixtures.mjs';
import { startBench, table, writeResult } from './lib.mjs';

const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const TENANT = 1234;
const TOKEN = 'sandbox-events-token';

if (!isMainThread) {
	parentPort.postMessage(await rawClient(workerData));
} else {
	await main();
}

/** Sends pre-built batches one request at a time over one keep-alive connection. */
async function rawClient({ url, batches }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const started = performance.now();
	let failures = 0;
	for (const batch of batches) {
		const body = JSON.stringify(batch);
		const status = await new Promise((resolve, reject) => {
			const req = http.request(url, {
				method: 'POST',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					'x-optimove-signature-version': '1',
					'x-optimove-signature-content': createHmac('sha256', TOKEN).update(body).digest('hex'),
				},
			});
			req.on('response', (res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => resolve(res.statusCode === 200 && text.includes('"success"') ? 200 : res.statusCode));
			});
			req.on('error', reject);
			req.end(body);
		});
		if (status !== 200) failures++;
	}
	agent.destroy();
	return { seconds: (performance.now() - started) / 1000, failures };
}

function depositItems(n, tag) {
	const base = Date.UTC(2026, 10, 22, 8, 0, 0);
	return Array.from({ length: n }, (_, k) => ({
		customer: `${tag}-${k % 5000}`,
		timestamp: new Date(base + k * 1000).toISOString(),
		ootb_transaction_id: `${tag}-tx-${k}`,
		ootb_deposit_amount: 10 + (k % 90),
		ootb_deposit_method: 'card',
	}));
}

/** What the node sends for a deposit item: the envelope Optimove expects. */
function envelope(item) {
	return {
		tenant: TENANT,
		timestamp: `${item.timestamp.slice(0, 10)} ${item.timestamp.slice(11, 19)}.000000 UTC`,
		event: 'ootb_deposit',
		customer: item.customer,
		context: { ootb_transaction_id: item.ootb_transaction_id, ootb_deposit_amount: item.ootb_deposit_amount, ootb_deposit_method: item.ootb_deposit_method },
	};
}

function workflow(name, eventNode, credential) {
	const nodes = [
		webhookNode(name),
		node('Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.events', include: 'noOtherFields', options: {} }),
	];
	const names = ['Webhook', 'Split Out'];
	if (eventNode) {
		nodes.push(node('Optimove', OPTIMOVE, eventNode, { credential }));
		names.push('Optimove');
	}
	nodes.push(node('Limit', 'n8n-nodes-base.limit', { maxItems: 1 }));
	names.push('Limit');
	return { name, nodes, connections: chain(...names) };
}

async function main() {
	const { values: args } = parseArgs({
		options: {
			events: { type: 'string', default: '100000' },
			expressions: { type: 'string', default: '10000' },
			registrations: { type: 'string', default: '5000' },
		},
	});
	const EVENTS = Number(args.events);
	const EXPRESSIONS = Number(args.expressions);
	const REGISTRATIONS = Number(args.registrations);

	const bench = await startBench({ n8nEnv: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_PAYLOAD_SIZE_MAX: '512' } });
	const { sandbox, n8n } = bench;
	const credential = bench.credentials.optimoveEventsApi;
	const result = { events: EVENTS };
	try {
		const held = () => sandbox.events({ limit: 0 });
		async function runWorkflow(name, eventNode, items) {
			const id = await n8n.createWorkflow(workflow(name, eventNode, credential));
			await n8n.publish(id);
			const before = held();
			const started = performance.now();
			const res = await fetch(n8n.webhookUrl(name), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: items }) });
			const out = await res.json();
			const seconds = (performance.now() - started) / 1000;
			const after = held();
			if (res.status !== 200) throw new Error(`${name}: n8n answered ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
			return { seconds, accepted: after.accepted - before.accepted, rejected: after.rejectedRequests - before.rejectedRequests, rateLimited: after.rateLimited - before.rateLimited, first: out[0] };
		}
		const check = (name, run, expected) => {
			if (run.accepted !== expected || run.rejected !== 0) throw new Error(`${name}: sandbox accepted ${run.accepted} of ${expected}, rejected ${run.rejected} request(s)`);
		};

		const rows = [];
		const warm = await runWorkflow('bench-events-warmup', { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_deposit', parametersFrom: 'item' }, depositItems(1000, 'W'));
		check('warm-up', warm, 1000);

		const baseline = await runWorkflow('bench-events-baseline', null, depositItems(EVENTS, 'B'));
		rows.push({ phase: 'n8n baseline (Split Out, no node)', events: EVENTS, seconds: baseline.seconds.toFixed(2), 'events/s': Math.round(EVENTS / baseline.seconds) });

		const items = depositItems(EVENTS, 'N');
		const viaNode = await runWorkflow('bench-events-node', { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_deposit', parametersFrom: 'item' }, items);
		check('node', viaNode, EVENTS);
		rows.push({ phase: 'n8n + Optimove node (Item Fields)', events: EVENTS, seconds: viaNode.seconds.toFixed(2), 'events/s': Math.round(EVENTS / viaNode.seconds) });
		const nodeOnly = viaNode.seconds - baseline.seconds;
		rows.push({ phase: '  of which the node (minus baseline)', events: EVENTS, seconds: nodeOnly.toFixed(2), 'events/s': Math.round(EVENTS / nodeOnly) });

		const chunks = [];
		const envelopes = depositItems(EVENTS, 'R').map(envelope);
		for (let i = 0; i < envelopes.length; i += 10) chunks.push(envelopes.slice(i, i + 10));
		const beforeRaw = held();
		const raw = await new Promise((resolve, reject) => {
			const worker = new Worker(new URL(import.meta.url), { workerData: { url: `${sandbox.url}/reportServer`, batches: chunks } });
			worker.once('message', resolve);
			worker.once('error', reject);
		});
		const rawRun = { accepted: held().accepted - beforeRaw.accepted, rejected: held().rejectedRequests - beforeRaw.rejectedRequests };
		check('raw', rawRun, EVENTS);
		if (raw.failures) throw new Error(`raw client: ${raw.failures} failed request(s)`);
		rows.push({ phase: 'raw HTTP client (same batches)', events: EVENTS, seconds: raw.seconds.toFixed(2), 'events/s': Math.round(EVENTS / raw.seconds) });

		let expressions;
		if (EXPRESSIONS > 0) {
			expressions = await runWorkflow(
				'bench-events-expressions',
				{
					resource: 'event',
					operation: 'sendOotbEvent',
					event: 'ootb_deposit',
					parametersFrom: 'fields',
					identifyBy: 'customer',
					identity: '={{ $json.customer }}',
					eventTime: '={{ $json.timestamp }}',
					mandatory_transaction_id: '={{ $json.ootb_transaction_id }}',
					additionalParameters: { deposit_amount: '={{ $json.ootb_deposit_amount }}', deposit_method: '={{ $json.ootb_deposit_method }}' },
				},
				depositItems(EXPRESSIONS, 'X'),
			);
			check('expressions', expressions, EXPRESSIONS);
			rows.push({ phase: 'n8n + node (Define Below, 5 expressions/item)', events: EXPRESSIONS, seconds: expressions.seconds.toFixed(2), 'events/s': Math.round(EXPRESSIONS / expressions.seconds) });
		}

		const ratio = EVENTS / viaNode.seconds / (EVENTS / raw.seconds);
		const nodeRatio = raw.seconds / nodeOnly;
		result.throughput = {
			rows,
			ratioEndToEnd: Number(ratio.toFixed(3)),
			ratioNodeOnly: Number(nodeRatio.toFixed(3)),
			baselineSeconds: baseline.seconds,
			nodeSeconds: viaNode.seconds,
			rawSeconds: raw.seconds,
			expressionsSeconds: expressions?.seconds,
			sampleOutput: viaNode.first,
		};
		console.log(table(rows));
		console.log(`\nnode vs raw, end to end: ${ratio.toFixed(2)} (target ≥ 0.8); node alone (minus n8n's baseline): ${nodeRatio.toFixed(2)}\n`);

		if (REGISTRATIONS > 0) {
			const registrations = Array.from({ length: REGISTRATIONS }, (_, k) => ({ customer: `REG-${k}`, ootb_email: `reg${k}@example.test`, ootb_allow_email: k % 2 ? 'Yes' : 'No' }));
			const run = await runWorkflow('bench-events-registration', { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_registration', parametersFrom: 'item' }, registrations);
			check('registration', run, REGISTRATIONS);
			const requests = Math.ceil(REGISTRATIONS / 10);
			const floor = (requests / 50) * 10;
			result.registration = {
				events: REGISTRATIONS,
				requests,
				seconds: Number(run.seconds.toFixed(2)),
				floorSeconds: floor,
				ratioToFloor: Number((run.seconds / floor).toFixed(3)),
				sandbox429s: run.rateLimited,
			};
			console.log(table([{ phase: 'registration (50 req / 10 s)', ...result.registration }]));
			if (run.rateLimited) console.log(`\n${run.rateLimited} request(s) got a 429 from the sandbox: the client limiter let too many through`);
		}
		console.log(`\nwritten to ${writeResult('events', result)}`);
	} finally {
		await bench.stop();
	}
}
