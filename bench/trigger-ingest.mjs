#!/usr/bin/env node
// Benchmark (not a test): signed triggered-conditional-execution notifications per second into the
// Optimove Trigger versus n8n's built-in Webhook node, on the same n8n, in the same run.
//
//   npm run build            # if dist/ is older than nodes/ or credentials/
//   node bench/trigger-ingest.mjs [--duration 6] [--warmup 2] [--settle 20] [--rounds 10] [--concurrency 10,1]
//                                 [--forged 20] [--engine legacy] [--n8n-env KEY=VALUE]...
//                                 [--out bench/results/trigger-ingest.json]
//
// Under n8n 2.41.1's defaults a community trigger pays one expression isolate per request that the
// built-in Webhook node is spared (live-webhooks.js `webhookPhaseNeedsIsolate` skips it only for
// n8n-nodes-base.webhook). `--n8n-env N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` takes isolates only
// when an expression is evaluated, which removes that difference.
//
// Starts one real n8n (tools/n8n/index.mjs) and the Optimove sandbox, both on 127.0.0.1 and free
// ports, publishes three single-node workflows:
//   ours     Optimove Trigger, source "triggered conditional execution" → the URL it registered at
//            the sandbox (…/webhook/<webhookId>/webhook?token=…), verifies the HMAC-SHA256 signature
//   builtin  n8n-nodes-base.webhook v2, POST /webhook/bench-builtin, responseMode onReceived
//            (no verification: it accepts forged notifications too)
//   builtinHeaderAuth  the same Webhook node with Authentication "Header Auth" (a credential holding
//            a fixed header value): n8n's own way to refuse strangers, and like ours a start node with
//            a credential, which n8n checks on every execution (credentials-permission-checker)
// and drives all three with the same load generator (keep-alive http.Agent, fixed concurrency, a
// fresh signed notification per request), rotating the endpoint order per round. Between phases it
// waits until every accepted request has become a finished execution, so one endpoint's backlog
// never runs during another's measurement. Then it sends forged notifications to each.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseCli } from '../scripts/lib/args.mjs';
import { createCredentials, node } from '../tools/n8n/fixtures.mjs';
import { ROOT, N8N_VERSION, startN8n } from '../tools/n8n/index.mjs';
import { startSandbox } from '../tools/sandbox/server.mjs';
import { cpuMs, median, n8nEnvFrom, quantile, r1, r3, sleep, writeResultFile } from './lib.mjs';

const args = parseCli({
	duration: { type: 'string', default: '6' },
	warmup: { type: 'string', default: '2' },
	settle: { type: 'string', default: '20' },
	rounds: { type: 'string', default: '10' },
	concurrency: { type: 'string', default: '10,1' },
	forged: { type: 'string', default: '20' },
	engine: { type: 'string' }, // N8N_EXPRESSION_ENGINE for n8n (unset = n8n's default)
	'n8n-env': { type: 'string', multiple: true, default: [] }, // KEY=VALUE for n8n, repeatable
	out: { type: 'string', default: 'bench/results/trigger-ingest.json' },
});
const DURATION_MS = Math.max(1, Number(args.duration)) * 1000;
const WARMUP_MS = Math.max(0, Number(args.warmup)) * 1000;
const SETTLE_MS = Math.max(0, Number(args.settle)) * 1000;
const ROUNDS = Math.min(30, Math.max(1, Number(args.rounds)));
const CONCURRENCIES = args.concurrency.split(',').map((c) => Math.min(64, Math.max(1, Number(c))));
const FORGED = Math.min(200, Math.max(0, Number(args.forged)));
const REQUEST_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 180_000;
const SECRET = 'sandbox-webhook-secret';
const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const OURS_WEBHOOK_ID = 'bench-optimove-trigger';
const BUILTIN_PATH = 'bench-builtin';
const BUILTIN_AUTH_PATH = 'bench-builtin-header-auth';
const AUTH_HEADER = { name: 'x-bench-token', value: randomUUID() };
const REFERENCES = ['builtin', 'builtinHeaderAuth'];

// ---------------------------------------------------------------- payloads (optimove-api.md §4)
let seq = 0;
function notification() {
	seq++;
	const now = Date.now();
	const k = (seq % 1000) + 1;
	return {
		timestamp: now,
		conditional_execution_approval_deadline: now + 5000,
		request_uid: randomUUID(),
		is_hashed: false,
		user: {
			user_id: `C501-${k}`,
			is_visitor: false,
			personalization: { FirstName: ['Anna', 'Ben', 'Chen', 'Dana'][k % 4], Country: ['UA', 'DE', 'GB', 'FR'][k % 4], VIP_Level: ['Bronze', 'Silver', 'Gold', 'Platinum'][k % 4] },
		},
		occurrence: {
			date: new Date(now).toISOString().slice(0, 10),
			series_id: 'series-501',
			occurrence_id: `occ-501-${Math.floor(now / 86_400_000)}`,
			target_group: { id: 42, name: 'Depositors, last 7 days' },
			notes: 'benchmark',
			tags: ['triggered', 'bench'],
			communication_type: 'triggered',
			action: {
				id: 7,
				name: 'Welcome bonus',
				is_control: false,
				promotions: [{ name: 'Welcome 10', code: 'WELCOME10' }],
				channels: [{ id: 505, name: 'Netmera push', brand_id: 'brand-1', template: { id: 7, name: 'Welcome push' } }],
			},
		},
		trigger_context: {
			id: 11,
			name: 'First deposit',
			events: [{ key: 'deposit', timestamp: Math.floor(now / 1000), parameters: { amount: '50.00', currency: 'EUR' } }],
		},
	};
}

const sign = (body, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

// ---------------------------------------------------------------- load generator
function post(agent, url, body, headers) {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const req = http.request(
			url,
			{ method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
				res.on('error', (error) => resolve({ status: 0, error: error.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
			},
		);
		req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timeout')));
		req.on('error', (error) => resolve({ status: 0, error: error.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		req.end(body);
	});
}

function signedRequest() {
	const body = JSON.stringify(notification());
	return { body, headers: { 'optimove-signature-content': sign(body), [AUTH_HEADER.name]: AUTH_HEADER.value } };
}

/** `concurrency` workers send back to back for `ms`; returns counts and latencies of 200s. */
async function load(url, { concurrency, ms }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies = [];
	const byStatus = {};
	let errors = 0;
	const started = performance.now();
	const end = started + ms;
	const worker = async () => {
		// Bounded: stops starting requests at `end`; each request itself times out.
		while (performance.now() < end) {
			const { body, headers } = signedRequest();
			const res = await post(agent, url, body, headers);
			byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
			if (res.status === 200) latencies.push(res.ms);
			else errors++;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const elapsedS = (performance.now() - started) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return {
		ok: latencies.length,
		errors,
		byStatus,
		seconds: r3(elapsedS),
		rps: r1(latencies.length / elapsedS),
		p50: r1(quantile(latencies, 0.5)),
		p99: r1(quantile(latencies, 0.99)),
	};
}

// ---------------------------------------------------------------- n8n side
async function finishedExecutions(n8n, workflowId) {
	const list = await n8n.executions(workflowId);
	return { total: list.length, finished: list.filter((e) => e.finished || e.stoppedAt).length, failed: list.filter((e) => e.status === 'error' || e.status === 'crashed').length };
}

/** Waits until `expected` executions of the workflow exist and are finished (or nothing moves for 15 s). */
async function drain(n8n, workflowId, expected) {
	const started = Date.now();
	let last = -1;
	let lastChange = Date.now();
	let counts;
	while (Date.now() - started < DRAIN_TIMEOUT_MS) {
		counts = await finishedExecutions(n8n, workflowId);
		if (counts.finished >= expected && counts.total === counts.finished) break;
		if (counts.finished !== last) {
			last = counts.finished;
			lastChange = Date.now();
		} else if (Date.now() - lastChange > 15_000) break;
		await sleep(1000);
	}
	return { ...counts, seconds: r1((Date.now() - started) / 1000) };
}

/**
 * The method of docs/benchmarks.md "Webhook ingestion": publish the trigger and the two references on
 * one n8n, check each, settle, measure rotating rounds per concurrency, send forged notifications,
 * check every 200 became one execution, then summarise, write the JSON and print the table.
 */
async function main() {
	const startedAt = new Date();
	const sandbox = await startSandbox({ port: 0, log: false });
	const env = n8nEnvFrom({ engine: args.engine, pairs: args['n8n-env'] });
	let n8n;
	try {
		n8n = await startN8n({ quiet: true, env });
		console.error(`n8n ${N8N_VERSION} on ${n8n.baseUrl} (pid ${n8n.pid}, boot ${n8n.bootSeconds.toFixed(1)} s); sandbox ${sandbox.url}`);
		const endpoints = await publishEndpoints(n8n, sandbox);
		await checkEndpoints(n8n, endpoints);
		await settle(n8n, endpoints);
		const phases = await measureRounds(n8n, endpoints);
		const forged = await sendForged(n8n, endpoints);
		const executions = await acceptedWork(n8n, endpoints);
		const summary = summarise(phases);
		const out = writeResults({ startedAt, env, summary, phases, executions, forged });
		printResults({ phases, summary, forged, executions, out });
	} finally {
		if (n8n) await n8n.stop();
		await sandbox.close();
	}
}

/** The Optimove Trigger and the two references (Webhook; Webhook with Header Auth), published. */
async function publishEndpoints(n8n, sandbox) {
	const credentials = await createCredentials(n8n, sandbox);
	const oursId = await n8n.createWorkflow({
		name: 'bench: Optimove Trigger (triggered)',
		nodes: [node('Optimove Trigger', TRIGGER, { source: 'triggeredConditionalExecution', options: {} }, { credential: credentials.optimoveApi, webhookId: OURS_WEBHOOK_ID, typeVersion: 1.1 })],
		connections: {},
	});
	const builtinId = await n8n.createWorkflow({
		name: 'bench: built-in Webhook',
		nodes: [node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: BUILTIN_PATH, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: BUILTIN_PATH })],
		connections: {},
	});
	const headerAuth = { id: await n8n.createCredential({ name: 'bench header auth', type: 'httpHeaderAuth', data: AUTH_HEADER }), name: 'bench header auth', type: 'httpHeaderAuth' };
	const builtinAuthId = await n8n.createWorkflow({
		name: 'bench: built-in Webhook with Header Auth',
		nodes: [node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: BUILTIN_AUTH_PATH, authentication: 'headerAuth', responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: BUILTIN_AUTH_PATH, credential: headerAuth })],
		connections: {},
	});
	for (const id of [oursId, builtinId, builtinAuthId]) await n8n.publish(id);

	// The URL the trigger registered at "Optimove" (the sandbox), token included.
	const hooksRes = await fetch(`${sandbox.url}/conditional-execution/v2/triggered/webhooks/`, { headers: { 'X-API-KEY': 'sandbox-api-key' } });
	const hook = (await hooksRes.json()).find((h) => h.url.includes(`/webhook/${OURS_WEBHOOK_ID}/`));
	if (!hook) throw new Error('the Optimove Trigger registered no webhook at the sandbox');
	const endpoints = {
		ours: { url: hook.url, workflowId: oursId },
		builtin: { url: n8n.webhookUrl(BUILTIN_PATH), workflowId: builtinId },
		builtinHeaderAuth: { url: n8n.webhookUrl(BUILTIN_AUTH_PATH), workflowId: builtinAuthId },
	};
	return endpoints;
}

/** One signed notification into each endpoint (200 and one execution), and Header Auth refusing a stranger. */
async function checkEndpoints(n8n, endpoints) {
	for (const [name, ep] of Object.entries(endpoints)) {
		const { body, headers } = signedRequest();
		const res = await post(undefined, ep.url, body, headers);
		if (res.status !== 200) throw new Error(`${name} endpoint answered ${res.status} to a signed notification: ${res.body}`);
		ep.accepted = 1;
	}
	for (const ep of Object.values(endpoints)) await drain(n8n, ep.workflowId, ep.accepted);
	const unauthenticated = await post(undefined, endpoints.builtinHeaderAuth.url, '{}', {});
	if (unauthenticated.status === 200) throw new Error('the Header Auth reference accepted a request without its header: it would not be checking anything');
}

/** Loads every endpoint before measuring (see the comment inside). */
async function settle(n8n, endpoints) {
	const names = Object.keys(endpoints);
	// n8n's own CPU per request keeps falling for its first few thousand executions (JIT, SQLite
	// caches): load both endpoints before measuring, so that the first measured round does not
	// charge that warm-up to whichever endpoint happens to run first.
	for (const name of [...names, ...names]) {
		if (!SETTLE_MS) break;
		const ep = endpoints[name];
		ep.accepted += (await load(ep.url, { concurrency: CONCURRENCIES[0], ms: SETTLE_MS / 2 })).ok;
		await drain(n8n, ep.workflowId, ep.accepted);
	}
}

/** Per concurrency, ROUNDS rounds over the endpoints in a rotating order: warm-up, measured window, drain. */
async function measureRounds(n8n, endpoints) {
	const names = Object.keys(endpoints);
	const phases = [];
	for (const concurrency of CONCURRENCIES) {
		for (let round = 1; round <= ROUNDS; round++) {
			// Each round starts with the next endpoint and odd rounds run backwards, so drift over the
			// run does not favour a fixed position.
			const rotated = names.map((_, i) => names[(i + round - 1) % names.length]);
			const order = round % 2 ? rotated : rotated.reverse();
			for (const name of order) {
				const ep = endpoints[name];
				// Warm-up runs straight into the measurement, so the execution backlog is about the same at
				// both ends of the window and n8n's CPU in it is the steady-state cost of `result.ok` requests.
				const warm = WARMUP_MS ? await load(ep.url, { concurrency, ms: WARMUP_MS }) : { ok: 0 };
				const cpuBefore = cpuMs(n8n.pid);
				const result = await load(ep.url, { concurrency, ms: DURATION_MS });
				result.n8nCpuMsPerRequest = r3((cpuMs(n8n.pid) - cpuBefore) / result.ok);
				ep.accepted += warm.ok + result.ok;
				const executions = await drain(n8n, ep.workflowId, ep.accepted);
				const phase = { concurrency, round, endpoint: name, ...result, warmupOk: warm.ok, executionsSoFar: executions.finished, acceptedSoFar: ep.accepted, drainSeconds: executions.seconds };
				phases.push(phase);
				console.error(
					`c=${concurrency} round ${round} ${name.padEnd(17)} ${String(result.rps).padStart(6)} req/s  n8n CPU ${result.n8nCpuMsPerRequest} ms/req  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}  executions ${executions.finished}/${ep.accepted} (drained in ${executions.seconds} s)`,
				);
			}
		}
	}
	return phases;
}

/** Forged notifications: a well-formed signature made with the wrong secret (and the right Header Auth header). */
async function sendForged(n8n, endpoints) {
	const forged = {};
	for (const [name, ep] of Object.entries(endpoints)) {
		const before = await drain(n8n, ep.workflowId, ep.accepted);
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const byStatus = {};
		for (let i = 0; i < FORGED; i++) {
			const body = JSON.stringify(notification());
			const res = await post(agent, ep.url, body, { 'optimove-signature-content': sign(body, 'not-the-secret'), [AUTH_HEADER.name]: AUTH_HEADER.value });
			byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
		}
		agent.destroy();
		const expectedAfter = before.finished + (byStatus[200] ?? 0);
		if (byStatus[200]) ep.accepted += byStatus[200];
		await sleep(3000);
		const after = await drain(n8n, ep.workflowId, expectedAfter);
		forged[name] = { sent: FORGED, byStatus, newExecutions: after.finished - before.finished };
	}
	return forged;
}

/** Accepted work: every 200 should have become one finished execution. */
async function acceptedWork(n8n, endpoints) {
	const executions = {};
	for (const [name, ep] of Object.entries(endpoints)) {
		const counts = await drain(n8n, ep.workflowId, ep.accepted);
		executions[name] = { accepted200: ep.accepted, executions: counts.total, finished: counts.finished, failed: counts.failed };
	}
	return executions;
}

/** Per concurrency: medians of rounds, per-round ratios of ours to each reference, spread. */
function summarise(phases) {
	return CONCURRENCIES.map((concurrency) => {
		const of = (name) => phases.filter((p) => p.concurrency === concurrency && p.endpoint === name);
		const figures = (name) => ({
			rps: of(name).map((p) => p.rps),
			// Over all rounds: requests answered per second of measurement, and n8n CPU per request.
			totalRps: r1(of(name).reduce((sum, p) => sum + p.ok, 0) / of(name).reduce((sum, p) => sum + p.seconds, 0)),
			totalN8nCpuMsPerRequest: r3(of(name).reduce((sum, p) => sum + p.n8nCpuMsPerRequest * p.ok, 0) / of(name).reduce((sum, p) => sum + p.ok, 0)),
			medianRps: r1(median(of(name).map((p) => p.rps))),
			medianP50: r1(median(of(name).map((p) => p.p50))),
			medianP99: r1(median(of(name).map((p) => p.p99))),
			medianN8nCpuMsPerRequest: r3(median(of(name).map((p) => p.n8nCpuMsPerRequest))),
			errors: of(name).reduce((sum, p) => sum + p.errors, 0),
		});
		const ours = figures('ours');
		const versus = Object.fromEntries(
			REFERENCES.map((name) => {
				const ratios = of('ours').map((o, i) => o.rps / of(name)[i].rps);
				const reference = figures(name);
				return [
					name,
					{
						...reference,
						ratioPerRound: ratios.map(r3),
						ratioMedianOfRounds: r3(median(ratios)),
						ratioSpread: [r3(Math.min(...ratios)), r3(Math.max(...ratios))],
						ratioOfTotals: r3(ours.totalRps / reference.totalRps),
						cpuRatioOfTotals: r3(reference.totalN8nCpuMsPerRequest / ours.totalN8nCpuMsPerRequest),
						// > 1: ours costs n8n less CPU per request than the reference.
						cpuRatioReferenceOverOurs: r3(reference.medianN8nCpuMsPerRequest / ours.medianN8nCpuMsPerRequest),
					},
				];
			}),
		);
		return { concurrency, ours, ...versus };
	});
}

function writeResults({ startedAt, env, summary, phases, executions, forged }) {
	const result = {
		benchmark: 'trigger-ingest',
		date: startedAt.toISOString(),
		n8n: N8N_VERSION,
		expressionEngine: args.engine ?? 'n8n default (isolated in 2.x)',
		n8nEnv: env,
		settings: { durationSeconds: DURATION_MS / 1000, warmupSeconds: WARMUP_MS / 1000, settleSecondsPerEndpoint: SETTLE_MS / 1000, rounds: ROUNDS, concurrency: CONCURRENCIES, bodyBytes: Buffer.byteLength(JSON.stringify(notification())) },
		summary,
		phases,
		executions,
		forged,
	};
	return writeResultFile(path.resolve(ROOT, args.out), result);
}

function printResults({ phases, summary, forged, executions, out }) {
	const line = (cells, widths) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
	const widths = [4, 6, 17, 9, 12, 8, 8, 7, 12];
	console.log(`\nSigned triggered notifications into n8n ${N8N_VERSION} (${os.cpus().length} cores, loopback, ${DURATION_MS / 1000} s per phase after ${WARMUP_MS / 1000} s warm-up)`);
	console.log(line(['c', 'round', 'endpoint', 'req/s', 'CPU ms/req', 'p50 ms', 'p99 ms', 'errors', 'exec/200s'], widths));
	for (const p of phases) console.log(line([p.concurrency, p.round, p.endpoint, p.rps, p.n8nCpuMsPerRequest, p.p50, p.p99, p.errors, `${p.executionsSoFar}/${p.acceptedSoFar}`], widths));
	console.log('');
	for (const s of summary) {
		console.log(`c=${s.concurrency}: ours ${s.ours.totalRps} req/s over all rounds (median ${s.ours.medianRps}; p50 ${s.ours.medianP50} ms, p99 ${s.ours.medianP99} ms), n8n CPU ${s.ours.totalN8nCpuMsPerRequest} ms/req`);
		for (const name of REFERENCES) {
			const ref = s[name];
			console.log(
				`  vs ${name}: ${ref.totalRps} req/s (median ${ref.medianRps}; p50 ${ref.medianP50} ms, p99 ${ref.medianP99} ms), n8n CPU ${ref.totalN8nCpuMsPerRequest} ms/req | ours/${name}: ${ref.ratioOfTotals} over all rounds (median of rounds ${ref.ratioMedianOfRounds}, spread ${ref.ratioSpread.join('–')}) | CPU ${name}/ours ${ref.cpuRatioOfTotals}`,
			);
		}
	}
	for (const [name, f] of Object.entries(forged)) console.log(`forged ×${f.sent} → ${name}: ${JSON.stringify(f.byStatus)}, new executions ${f.newExecutions}`);
	for (const [name, e] of Object.entries(executions)) console.log(`accepted work ${name}: ${e.accepted200} answered 200, ${e.executions} executions (${e.finished} finished, ${e.failed} failed)`);
	console.log(`\nJSON: ${out}`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
