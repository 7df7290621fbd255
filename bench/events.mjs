#!/usr/bin/env node
// Benchmark (not a test): server-side events through the Optimove node in a real n8n versus a raw
// HTTP client sending the same signed batches of 10 to the same sandbox; then registration events
// against Optimove's 50 requests / 10 s limit.
//
//   npm run build
//   node bench/events.mjs [--events 100000] [--expressions 10000] [--registrations 5000]
//                         [--rounds 1] [--n8n-env KEY=VALUE]... [--profile out.cpuprofile]
//
// --rounds N runs the node and the raw client N times each, alternating (node, raw, node, raw…),
// and reports medians and spread. --profile attaches to n8n's inspector (SIGUSR1) and writes a V8
// CPU profile of the first node round (open it in Chrome DevTools or summarise it with
// `node bench/events.mjs --summarise out.cpuprofile`).
//
// --http-cost [requests] measures alone, on n8n's Node 24, the cost per request of n8n's HTTP helper
// (@n8n/backend-network's httpRequest, which httpRequestWithAuthentication ends in and which builds
// a new agent, hence a new connection, per call) against node:http with one keep-alive connection
// and with a new connection per request: the same 10-event body to a local server, alternating
// rounds, medians of wall and CPU time per request. It adds `httpCost` to bench/results/events.json.
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
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../scripts/lib/args.mjs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { chain, node, webhookNode } from '../tools/n8n/fixtures.mjs';
import { ensureN8nInstalled } from '../tools/n8n/index.mjs';
import { median, n8nEnvFrom, startBench, table, writeResult } from './lib.mjs';

const OPTIMOVE = 'n8n-nodes-optimove.optimove';
/** The node's requests in flight (nodes/Optimove/actions/event/send.ts). */
const REQUESTS_IN_FLIGHT = 8;
const TENANT = 1234;
const TOKEN = 'sandbox-events-token';
/** The node as the throughput rounds use it: deposits, parameters from the item's fields. */
const DEPOSIT_NODE = { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_deposit', parametersFrom: 'item' };

if (!isMainThread) {
	parentPort.postMessage(await rawClient(workerData));
} else if (process.argv[2] === '--http-cost-child') {
	console.log(JSON.stringify(await httpCost(process.argv[3], Number(process.argv[4]))));
} else {
	await main();
}

/** Runs in n8n's Node 24: per-request wall and CPU time of three ways to POST the same batch. */
async function httpCost(n8nDir, requests) {
	const { httpRequest } = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'))('@n8n/backend-network/testing');
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"status":"success","message":"10 event(s) received"}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}/reportServer`;
	const body = JSON.stringify(depositItems(10, 'H').map(envelope));
	const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const post = (agent) =>
		new Promise((resolve, reject) => {
			const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
				res.resume();
				res.on('end', resolve);
			});
			req.on('error', reject);
			req.end(body);
		});
	const variants = {
		'node:http, one keep-alive connection': () => post(keepAlive),
		'node:http, new connection per request': () => post(new http.Agent({ keepAlive: false })),
		"n8n's HTTP helper (httpRequest)": () =>
			httpRequest({ method: 'POST', url, body, headers: { 'Content-Type': 'application/json' }, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 60_000, disableFollowRedirect: true }),
	};
	const runs = Object.fromEntries(Object.keys(variants).map((name) => [name, { wall: [], cpu: [] }]));
	for (let round = 0; round < 5; round++) {
		for (const [name, send] of Object.entries(variants)) {
			const cpu = process.cpuUsage();
			const started = performance.now();
			for (let i = 0; i < requests; i++) await send();
			const used = process.cpuUsage(cpu);
			runs[name].wall.push(((performance.now() - started) * 1000) / requests);
			runs[name].cpu.push((used.user + used.system) / requests);
		}
	}
	keepAlive.destroy();
	server.close();
	return Object.entries(runs).map(([name, r]) => ({ client: name, wallUsPerRequest: Math.round(median(r.wall)), cpuUsPerRequest: Math.round(median(r.cpu)), cpuRounds: r.cpu.map(Math.round) }));
}

/**
 * Sends pre-built batches: `inFlight` requests at a time, over keep-alive connections (one per
 * request in flight) or, with keepAlive false, a new connection per request as n8n's HTTP helper
 * makes (it builds a new agent for every request).
 */
async function rawClient({ url, batches, inFlight = 1, keepAlive = true }) {
	const agent = new http.Agent({ keepAlive, maxSockets: inFlight });
	const started = performance.now();
	let failures = 0;
	let next = 0;
	const send = (batch) => {
		const body = JSON.stringify(batch);
		return new Promise((resolve, reject) => {
			const req = http.request(url, {
				method: 'POST',
				agent: keepAlive ? agent : new http.Agent({ keepAlive: false }),
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
	};
	const worker = async () => {
		while (next < batches.length) {
			if ((await send(batches[next++])) !== 200) failures++;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, worker));
	agent.destroy();
	return { seconds: (performance.now() - started) / 1000, failures };
}

/**
 * A V8 CPU profile of n8n's main process through its inspector: SIGUSR1 opens it on 127.0.0.1:9229
 * (Node's default), the DevTools protocol starts and stops the profiler. `ws` comes from n8n's own
 * install (this script may run on a Node without a WebSocket client).
 */
async function startProfile(pid, intervalUs = 250) {
	const { n8nDir } = await ensureN8nInstalled({ quiet: true });
	const WebSocket = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'))('ws');
	process.kill(pid, 'SIGUSR1');
	let target;
	for (let i = 0; i < 50 && !target; i++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		try {
			target = (await (await fetch('http://127.0.0.1:9229/json/list')).json())[0];
		} catch {
			// not listening yet
		}
	}
	if (!target) throw new Error('n8n inspector did not open on 127.0.0.1:9229');
	const ws = new WebSocket(target.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	let id = 0;
	const pending = new Map();
	ws.on('message', (data) => {
		const message = JSON.parse(String(data));
		if (message.id && pending.has(message.id)) {
			pending.get(message.id)(message);
			pending.delete(message.id);
		}
	});
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const mid = ++id;
			pending.set(mid, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
			ws.send(JSON.stringify({ id: mid, method, params }));
		});
	await send('Profiler.enable');
	await send('Profiler.setSamplingInterval', { interval: intervalUs });
	await send('Profiler.start');
	return async (file) => {
		const { profile } = await send('Profiler.stop');
		writeFileSync(file, JSON.stringify(profile));
		ws.close();
		return summariseProfile(profile);
	};
}

/** Self time per function and per origin (this package, n8n-core, axios, …) of a CPU profile. */
function summariseProfile(profile, top = 25) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map();
	const dt = new Map();
	profile.samples.forEach((sample, i) => dt.set(sample, (dt.get(sample) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	for (const [nodeId, us] of dt) {
		const n = byId.get(nodeId);
		const f = n.callFrame;
		const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${f.lineNumber + 1}`;
		self.set(key, (self.get(key) ?? 0) + us);
	}
	const origin = (key) => {
		const m = /(n8n-nodes-optimove)|(n8n-core)|(n8n-workflow)|(axios)|(@n8n\/[\w-]+)|(typeorm|sqlite3)|(luxon)|(node:[\w/]+)|(\(garbage collector\)|\(idle\)|\(program\))/.exec(key);
		return m ? m.slice(1).find(Boolean) : key.includes('node_modules/') || key.includes('/n8n/') ? 'other modules' : 'other';
	};
	const byOrigin = new Map();
	let total = 0;
	for (const [key, us] of self) {
		total += us;
		byOrigin.set(origin(key), (byOrigin.get(origin(key)) ?? 0) + us);
	}
	// Inclusive time: samples whose stack holds the function (once per sample).
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const inclusive = new Map();
	const watched = /^(execute|sendEvents|inBatches|prepareItems|buildOotbEvent|optimoveRequest|connect|getCredentials|httpRequestWithAuthentication|httpRequest|authenticate|getDecrypted|runNode|processRunExecutionData|parseEventTime|envelopeTime|signBody|request|dispatchRequest)$/;
	for (const [nodeId, us] of dt) {
		const seen = new Set();
		for (let at = nodeId; at !== undefined; at = parent.get(at)) {
			const f = byId.get(at).callFrame;
			if (!watched.test(f.functionName)) continue;
			const key = `${f.functionName} ${f.url.replace(/^.*node_modules\//, '')}`;
			if (seen.has(key)) continue;
			seen.add(key);
			inclusive.set(key, (inclusive.get(key) ?? 0) + us);
		}
	}
	const ms = (us) => Math.round(us / 1000);
	return {
		totalMs: ms(total),
		inclusive: [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ function: name, ms: ms(us) })),
		byOrigin: [...byOrigin].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ origin: name, ms: ms(us), share: `${((100 * us) / total).toFixed(1)}%` })),
		topFunctions: [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ function: name, ms: ms(us) })),
	};
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

function round2(x) {
	return Math.round(x * 100) / 100;
}

/**
 * The method of docs/benchmarks.md "Events": a warm-up, then alternating rounds of n8n's baseline,
 * the node and the raw clients over the same signed batches; one run with expressions per field;
 * registrations against the 50 requests / 10 s floor; then the table and the JSON.
 * `--http-cost` and `--summarise` are side modes (see the top of the file).
 */
async function main() {
	const args = parseCli({
		events: { type: 'string', default: '100000' },
		expressions: { type: 'string', default: '10000' },
		registrations: { type: 'string', default: '5000' },
		rounds: { type: 'string', default: '1' },
		'n8n-env': { type: 'string', multiple: true, default: [] },
		profile: { type: 'string' },
		summarise: { type: 'string' },
		'http-cost': { type: 'string' },
	});
	if (args['http-cost']) return measureHttpCost(Number(args['http-cost']) || 2000);
	if (args.summarise) return console.log(JSON.stringify(summariseProfile(JSON.parse(readFileSync(args.summarise, 'utf8'))), null, 2));
	const EVENTS = Number(args.events);
	const ROUNDS = Math.max(1, Number(args.rounds));
	const extraEnv = n8nEnvFrom({ pairs: args['n8n-env'] });

	const bench = await startBench({ n8nEnv: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_PAYLOAD_SIZE_MAX: '512', ...extraEnv } });
	const result = { events: EVENTS, rounds: ROUNDS, n8nEnv: extraEnv };
	try {
		const runner = benchRunner(bench, EVENTS);
		const warm = await runner.runWorkflow('bench-events-warmup', DEPOSIT_NODE, depositItems(1000, 'W'));
		runner.check('warm-up', warm, 1000);
		const { times, firstOutput, profileSummary } = await alternatingRounds(runner, { events: EVENTS, rounds: ROUNDS, profile: args.profile, pid: bench.n8n.pid });
		const rows = throughputRows(times, EVENTS);
		const expressions = await expressionsRun(runner, Number(args.expressions));
		if (expressions) rows.push(expressions.row);
		result.throughput = throughputResult({ times, rows, expressions, firstOutput });
		if (profileSummary) result.profile = { file: path.basename(args.profile), ...profileSummary, topFunctions: profileSummary.topFunctions.slice(0, 15) };
		printThroughput(result.throughput, rows, profileSummary);
		const registrations = Number(args.registrations);
		if (registrations > 0) result.registration = await registrationRun(runner, registrations);
		console.log(`\nwritten to ${writeResult('events', result)}`);
	} finally {
		await bench.stop();
	}
}

/** `--http-cost N`: n8n's HTTP helper vs a keep-alive client, in n8n's own Node (added to events.json). */
async function measureHttpCost(requests) {
	const { n8nDir, nodeBin } = await ensureN8nInstalled({ quiet: true });
	const { execFileSync } = await import('node:child_process');
	const rows = JSON.parse(execFileSync(path.join(nodeBin, 'node'), [fileURLToPath(import.meta.url), '--http-cost-child', n8nDir, String(requests)], { encoding: 'utf8' }));
	console.log(table(rows.map(({ cpuRounds, ...row }) => ({ ...row, 'CPU rounds (µs)': cpuRounds.join(' ') }))));
	console.log('\n(CPU: client and server in one process, per request of 10 events)');
	const file = path.join(process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'), 'events.json');
	const previous = JSON.parse(readFileSync(file, 'utf8'));
	writeFileSync(file, `${JSON.stringify({ ...previous, httpCost: { date: new Date().toISOString(), requests, rows } }, null, 2)}\n`);
	console.log(`added httpCost to ${path.relative(process.cwd(), file)}`);
}

/**
 * What every phase uses: `runWorkflow(name, eventNode, items)` publishes a workflow (once) and calls
 * it with the items, counting what the sandbox accepted; `check` insists on all of them;
 * `rawRound(tag, options)` sends the same events from a raw client in a worker thread.
 */
function benchRunner(bench, EVENTS) {
	const { sandbox, n8n } = bench;
	const credential = bench.credentials.optimoveEventsApi;
	const held = () => sandbox.events({ limit: 0 });
	const published = new Map();
	async function runWorkflow(name, eventNode, items) {
		if (!published.has(name)) {
			const id = await n8n.createWorkflow(workflow(name, eventNode, credential));
			await n8n.publish(id);
			published.set(name, id);
		}
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
	async function rawRound(tag, options = {}) {
		const chunks = [];
		const envelopes = depositItems(EVENTS, tag).map(envelope);
		for (let i = 0; i < envelopes.length; i += 10) chunks.push(envelopes.slice(i, i + 10));
		const before = held();
		const raw = await new Promise((resolve, reject) => {
			const worker = new Worker(new URL(import.meta.url), { workerData: { url: `${sandbox.url}/reportServer`, batches: chunks, ...options } });
			worker.once('message', resolve);
			worker.once('error', reject);
		});
		check('raw', { accepted: held().accepted - before.accepted, rejected: held().rejectedRequests - before.rejectedRequests }, EVENTS);
		if (raw.failures) throw new Error(`raw client: ${raw.failures} failed request(s)`);
		return raw.seconds;
	}
	return { runWorkflow, check, rawRound };
}

/** Alternating rounds: baseline, node, raw (noise on a shared machine hits all three alike). */
async function alternatingRounds({ runWorkflow, check, rawRound }, { events: EVENTS, rounds: ROUNDS, profile, pid }) {
	const times = { baseline: [], node: [], raw: [], rawParallel: [], rawFresh: [] };
	let firstOutput;
	let profileSummary;
	for (let round = 1; round <= ROUNDS; round++) {
		const baseline = await runWorkflow('bench-events-baseline', null, depositItems(EVENTS, `B${round}`));
		times.baseline.push(baseline.seconds);
		const stopProfile = round === 1 && profile ? await startProfile(pid) : undefined;
		const viaNode = await runWorkflow('bench-events-node', DEPOSIT_NODE, depositItems(EVENTS, `N${round}`));
		if (stopProfile) profileSummary = await stopProfile(path.resolve(profile));
		check('node', viaNode, EVENTS);
		times.node.push(viaNode.seconds);
		firstOutput ??= viaNode.first;
		times.raw.push(await rawRound(`R${round}`));
		times.rawParallel.push(await rawRound(`P${round}`, { inFlight: REQUESTS_IN_FLIGHT }));
		times.rawFresh.push(await rawRound(`F${round}`, { inFlight: REQUESTS_IN_FLIGHT, keepAlive: false }));
		console.log(
			`round ${round}: baseline ${baseline.seconds.toFixed(2)} s, node ${viaNode.seconds.toFixed(2)} s, raw ${times.raw.at(-1).toFixed(2)} s, raw ×${REQUESTS_IN_FLIGHT} ${times.rawParallel.at(-1).toFixed(2)} s, raw ×${REQUESTS_IN_FLIGHT} new connections ${times.rawFresh.at(-1).toFixed(2)} s`,
		);
	}
	return { times, firstOutput, profileSummary };
}

function medians(times) {
	return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** The throughput table: the median of the rounds per phase. */
function throughputRows(times, EVENTS) {
	const med = medians(times);
	const nodeOnly = med.node - med.baseline;
	return [
		{ phase: 'n8n baseline (Split Out, no node)', events: EVENTS, seconds: med.baseline.toFixed(2), 'events/s': Math.round(EVENTS / med.baseline), rounds: times.baseline.map(round2).join(' ') },
		{ phase: 'n8n + Optimove node (Item Fields)', events: EVENTS, seconds: med.node.toFixed(2), 'events/s': Math.round(EVENTS / med.node), rounds: times.node.map(round2).join(' ') },
		{ phase: '  of which the node (minus baseline)', events: EVENTS, seconds: nodeOnly.toFixed(2), 'events/s': Math.round(EVENTS / nodeOnly), rounds: '' },
		{ phase: 'raw HTTP client (same batches, 1 keep-alive connection)', events: EVENTS, seconds: med.raw.toFixed(2), 'events/s': Math.round(EVENTS / med.raw), rounds: times.raw.map(round2).join(' ') },
		{ phase: `raw, ${REQUESTS_IN_FLIGHT} in flight (keep-alive)`, events: EVENTS, seconds: med.rawParallel.toFixed(2), 'events/s': Math.round(EVENTS / med.rawParallel), rounds: times.rawParallel.map(round2).join(' ') },
		{ phase: `raw, ${REQUESTS_IN_FLIGHT} in flight, new connection per request (as n8n)`, events: EVENTS, seconds: med.rawFresh.toFixed(2), 'events/s': Math.round(EVENTS / med.rawFresh), rounds: times.rawFresh.map(round2).join(' ') },
	];
}

/** One run with 5 plain `{{ $json.x }}` expressions per item (Define Below); undefined for 0 items. */
async function expressionsRun({ runWorkflow, check }, EXPRESSIONS) {
	if (!(EXPRESSIONS > 0)) return undefined;
	const run = await runWorkflow(
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
	check('expressions', run, EXPRESSIONS);
	return { ...run, row: { phase: 'n8n + node (Define Below, 5 plain {{ $json.x }} fields/item)', events: EXPRESSIONS, seconds: run.seconds.toFixed(2), 'events/s': Math.round(EXPRESSIONS / run.seconds), rounds: '' } };
}

/** The ratios node vs raw (end to end, node alone, per round, vs the other raw clients). */
function throughputResult({ times, rows, expressions, firstOutput }) {
	const med = medians(times);
	const nodeOnly = med.node - med.baseline;
	return {
		rows,
		ratioEndToEnd: Number((med.raw / med.node).toFixed(3)),
		ratioNodeOnly: Number((med.raw / nodeOnly).toFixed(3)),
		ratioPerRound: times.node.map((t, i) => round2(times.raw[i] / t)),
		ratioVsRawSameInFlight: Number((med.rawParallel / med.node).toFixed(3)),
		ratioVsRawNewConnections: Number((med.rawFresh / med.node).toFixed(3)),
		requestsInFlight: REQUESTS_IN_FLIGHT,
		baselineSeconds: med.baseline,
		nodeSeconds: med.node,
		rawSeconds: med.raw,
		expressionsSeconds: expressions?.seconds,
		sampleOutput: firstOutput,
	};
}

function printThroughput(throughput, rows, profileSummary) {
	const ratio = throughput.rawSeconds / throughput.nodeSeconds;
	const nodeRatio = throughput.rawSeconds / (throughput.nodeSeconds - throughput.baselineSeconds);
	console.log(table(rows));
	console.log(`\nnode vs raw, end to end: ${ratio.toFixed(2)} (target ≥ 0.8; per round ${throughput.ratioPerRound.join(', ')}); node alone (minus n8n's baseline): ${nodeRatio.toFixed(2)}`);
	console.log(`node vs raw with ${REQUESTS_IN_FLIGHT} in flight: ${throughput.ratioVsRawSameInFlight}; vs raw with ${REQUESTS_IN_FLIGHT} in flight and a new connection per request: ${throughput.ratioVsRawNewConnections}\n`);
	if (profileSummary) console.log(JSON.stringify(profileSummary, null, 1));
}

/** Registrations against Optimove's 50 requests / 10 s: seconds vs the floor, 429s from the sandbox. */
async function registrationRun({ runWorkflow, check }, REGISTRATIONS) {
	const registrations = Array.from({ length: REGISTRATIONS }, (_, k) => ({ customer: `REG-${k}`, ootb_email: `reg${k}@example.test`, ootb_allow_email: k % 2 ? 'Yes' : 'No' }));
	const run = await runWorkflow('bench-events-registration', { resource: 'event', operation: 'sendOotbEvent', event: 'ootb_registration', parametersFrom: 'item' }, registrations);
	check('registration', run, REGISTRATIONS);
	const requests = Math.ceil(REGISTRATIONS / 10);
	const floor = (requests / 50) * 10;
	const registration = {
		events: REGISTRATIONS,
		requests,
		seconds: Number(run.seconds.toFixed(2)),
		floorSeconds: floor,
		ratioToFloor: Number((run.seconds / floor).toFixed(3)),
		sandbox429s: run.rateLimited,
	};
	console.log(table([{ phase: 'registration (50 req / 10 s)', ...registration }]));
	if (run.rateLimited) console.log(`\n${run.rateLimited} request(s) got a 429 from the sandbox: the client limiter let too many through`);
	return registration;
}
