#!/usr/bin/env node
// Benchmark (not a test): triggered conditional execution end to end — Optimove's notification →
// n8n → approval back at "Optimove" — latency and capacity of the package's two shapes versus the same
// flow built only from n8n's built-in nodes, on the same n8n, in the same run.
//
//   npm run build            # if dist/ is older than nodes/ or credentials/
//   node bench/triggered-approval.mjs [--rates 10] [--duration 30] [--rounds 2] [--warmup 10]
//        [--capacity 2,4,6,8,10,12,15,20,25,30,40,50,60,80,100,120] [--capacity-rounds 1] [--retries 1]
//        [--forged 20] [--deadline 5000] [--flows ours,verify,builtin] [--engine vm]
//        [--n8n-env KEY=VALUE]... [--out bench/results/triggered-approval.json] [--queue]
//
// One real n8n (tools/n8n/index.mjs) and the Optimove sandbox (in this process), both on loopback.
// Three published workflows:
//   ours     (a) Optimove Trigger (Triggered Conditional Execution; verifies the HMAC-SHA256 signature
//            over the raw bytes, 401 and no execution otherwise) → Optimove: Send Triggered Approval
//            (defaults: {{ $json.requestUid }}, {{ $json.approvalDeadline }}, approved = true)
//   verify   (b) examples/7-triggered-with-webhook-node.json as a user imports it: n8n's Webhook node (POST,
//            Raw Body, answers on receipt) → Optimove: Verify Triggered Notification (signature over the
//            raw body, replay window; a forged notification fails the execution) → Send Triggered Approval
//   builtin  (c) Webhook (POST, raw body, answers on receipt) → Crypto (HMAC-SHA256 of the raw body with
//            the secret, hex) → IF (signature header equals it) → HTTP Request (POST the approval to
//            /conditional-execution/v2/triggered/approval with the API key)
// The sandbox fires signed notifications OPEN LOOP (fixed timer, never waiting for replies) to one
// flow's URL at a time (fireTriggered `urls`) and records each approval's arrival
// (performance.now() at the sandbox minus the moment the notification's bytes went to the socket).
// Late = approval after the notification's deadline (sandbox timeout, 5 s by default); lost = no
// approval at all (the package does not send an approval after its deadline, so a late one shows as lost).
// The method, phase by phase (main() reads the same way):
//   1. smoke    one signed notification per flow comes back approved;
//   2. forged   --forged notifications signed with the wrong secret to each flow: answers, executions
//               (ours: 401 and none; verify: 200 and failed executions; builtin: 200, stopped at IF),
//               approvals (must be 0 for ours and verify);
//   2b. warm-up --warmup s per flow at 5/s, not recorded (n8n's first executions after boot are slow);
//   3. latency  --rounds rounds at each of --rates for --duration s; the flows take turns going first
//               (round r starts with flow r), so machine noise hits all alike;
//   4. capacity --capacity-rounds ramps: the fixed rate steps up (--capacity) and each flow keeps going
//               while a step holds --duration s with zero late, zero lost and every delivery answered 200
//               (a failing step is retried --retries times: the machine is shared); within a step the
//               flows take turns going first;
//   5. report   medians over rounds with their spread, ratios verify/builtin and ours/builtin, n8n CPU
//               per notification (the least noisy figure on a shared box), and one isolate build's cost.
// Between phases it waits until every approval is in (or the deadlines have passed) and n8n is idle.
// --queue: n8n in queue mode instead (tools/n8n/queue.mjs: main, one webhook processor that takes
// the notifications, two workers that send the approvals; PostgreSQL and Redis on loopback). "n8n
// CPU" is then the sum over the four processes.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { attachCredentials, createCredentials, executionError, node, readExamples, SANDBOX_API_KEY } from '../tools/n8n/fixtures.mjs';
import { ensureN8nInstalled, ROOT, N8N_VERSION, startN8n } from '../tools/n8n/index.mjs';
import { startQueueCluster } from '../tools/n8n/queue.mjs';
import { execFileSync } from 'node:child_process';
import { startSandbox } from '../tools/sandbox/server.mjs';
import { cpuMs, median, n8nEnvFrom, quantile, r1, r3, sleep, writeResultFile } from './lib.mjs';

const { values: args } = parseArgs({
	options: {
		rates: { type: 'string', default: '10' },
		duration: { type: 'string', default: '30' },
		rounds: { type: 'string', default: '2' },
		warmup: { type: 'string', default: '10' }, // s per flow at 5/s before the latency rounds, not recorded
		// Fine steps at the bottom: at n8n's defaults (eager isolates) the flows hold single-digit rates.
		capacity: { type: 'string', default: '2,4,6,8,10,12,15,20,25,30,40,50,60,80,100,120' }, // "none" to skip
		'capacity-rounds': { type: 'string', default: '1' },
		retries: { type: 'string', default: '1' },
		forged: { type: 'string', default: '20' },
		deadline: { type: 'string', default: '5000' },
		flows: { type: 'string', default: 'ours,verify,builtin' },
		engine: { type: 'string' }, // N8N_EXPRESSION_ENGINE for n8n (unset = n8n's default)
		'n8n-env': { type: 'string', multiple: true, default: [] }, // KEY=VALUE for n8n, repeatable
		label: { type: 'string' },
		'package-dir': { type: 'string' }, // another build of the package (package.json + dist/), e.g. an experiment
		out: { type: 'string', default: 'bench/results/triggered-approval.json' },
		resummarize: { type: 'string' }, // a result file: recompute its summary from its phases, no run
		'isolate-cost': { type: 'boolean', default: false }, // only time n8n's expression isolate build, no run
		queue: { type: 'boolean', default: false }, // queue mode: main + 1 webhook processor + 2 workers
	},
});
const list = (s) => (s === 'none' || s === '' ? [] : s.split(',').map(Number).filter((x) => x > 0));
const RATES = list(args.rates);
const DURATION_MS = Math.max(1, Number(args.duration)) * 1000;
const ROUNDS = Math.min(10, Math.max(1, Number(args.rounds)));
const WARMUP_MS = Math.max(0, Number(args.warmup)) * 1000;
const CAPACITY = list(args.capacity);
const CAPACITY_ROUNDS = Math.min(5, Math.max(1, Number(args['capacity-rounds'])));
const RETRIES = Math.max(0, Number(args.retries));
const FORGED = Math.min(200, Math.max(0, Number(args.forged)));
const DEADLINE_MS = Number(args.deadline);
const FLOWS = args.flows.split(',');
const SECRET = 'sandbox-webhook-secret';
const OURS_ID = 'bench-ta-ours';
const VERIFY_PATH = 'bench-ta-verify';
const BUILTIN_PATH = 'bench-ta-builtin';
/** The flow every other is compared with. */
const REFERENCE = 'builtin';
const FLOW_NAMES = { ours: '(a) Optimove Trigger', verify: '(b) Webhook + Verify', builtin: '(c) built-in nodes' };
for (const flow of FLOWS) if (!FLOW_NAMES[flow]) throw new Error(`unknown flow "${flow}" (${Object.keys(FLOW_NAMES).join(', ')})`);
/** Result keys of a ratio to the reference: p99RatioOursToBuiltin, capacityRatioVerifyToBuiltin, … */
const ratioKey = (figure, flow) => `${figure}Ratio${flow[0].toUpperCase()}${flow.slice(1)}ToBuiltin`;
/** `xs` starting at index `by` (mod length): the flows take turns going first. */
const rotate = (xs, by) => xs.map((_, i) => xs[(i + by) % xs.length]);

// ---------------------------------------------------------------- n8n process CPU (idle detection)
/** CPU seconds used so far by n8n's process(es): one pid, or every process of a queue-mode cluster. */
const cpuSeconds = (pids) => [pids].flat().reduce((sum, pid) => sum + cpuMs(pid), 0) / 1000;
/** Waits until n8n's process(es) used < 15% of a core in each of 3 consecutive seconds (max `timeoutMs`). */
async function n8nIdle(pid, timeoutMs = 180_000) {
	const started = Date.now();
	let prev = cpuSeconds(pid);
	let quiet = 0;
	while (Date.now() - started < timeoutMs) {
		await sleep(1000);
		const now = cpuSeconds(pid);
		const used = now - prev;
		prev = now;
		quiet = used < 0.15 ? quiet + 1 : 0;
		if (quiet >= 3) return r1((Date.now() - started) / 1000);
	}
	return r1((Date.now() - started) / 1000);
}

// ---------------------------------------------------------------- workflows
function oursWorkflow(credentials) {
	return {
		name: 'bench: Optimove Trigger → Send Triggered Approval',
		nodes: [
			node('Optimove Trigger', 'n8n-nodes-optimove.optimoveTrigger', { source: 'triggeredConditionalExecution', options: {} }, { credential: credentials.optimoveApi, webhookId: OURS_ID, typeVersion: 1.1 }),
			node('Send Triggered Approval', 'n8n-nodes-optimove.optimove', { resource: 'conditionalExecution', operation: 'sendTriggeredApproval', options: {} }, { credential: credentials.optimoveApi }),
		],
		connections: { 'Optimove Trigger': { main: [[{ node: 'Send Triggered Approval', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Example 7 as a user imports it (its parameters and expressions unchanged), minus its one-off
 * registration branch and note; only the Webhook node's path is the benchmark's own.
 */
function verifyWorkflow(credentials) {
	const example = readExamples().find((e) => e.file === '7-triggered-with-webhook-node.json');
	if (!example) throw new Error('examples/7-triggered-with-webhook-node.json is missing');
	const keep = ['Webhook', 'Verify Triggered Notification', 'Send Triggered Approval'];
	const nodes = example.nodes
		.filter((n) => keep.includes(n.name))
		.map((n) => (n.type === 'n8n-nodes-base.webhook' ? { ...n, webhookId: VERIFY_PATH, parameters: { ...n.parameters, path: VERIFY_PATH } } : n));
	if (nodes.length !== keep.length) throw new Error(`example 7 no longer has the nodes ${keep.join(', ')}`);
	const connections = Object.fromEntries(Object.entries(example.connections).filter(([from]) => keep.includes(from)));
	return attachCredentials({ name: 'bench: Webhook → Verify Triggered Notification → Send Triggered Approval (example 7)', nodes, connections, settings: example.settings }, credentials);
}

function builtinWorkflow(sandbox) {
	return {
		name: 'bench: Webhook → Crypto → IF → HTTP Request (built-in nodes)',
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: BUILTIN_PATH, responseMode: 'onReceived', options: { rawBody: true } }, { typeVersion: 2, webhookId: BUILTIN_PATH }),
			node('Crypto', 'n8n-nodes-base.crypto', { action: 'hmac', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'signature', secret: SECRET, encoding: 'hex' }),
			node(
				'Signature matches',
				'n8n-nodes-base.if',
				{
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{ id: 'sig', leftValue: '={{ $json.signature }}', rightValue: "={{ $json.headers['optimove-signature-content'] }}", operator: { type: 'string', operation: 'equals' } },
						],
						combinator: 'and',
					},
					options: {},
				},
				{ typeVersion: 2.2 },
			),
			node(
				'Send approval',
				'n8n-nodes-base.httpRequest',
				{
					method: 'POST',
					url: `${sandbox.url}/conditional-execution/v2/triggered/approval`,
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'X-API-KEY', value: SANDBOX_API_KEY }] },
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ request_uid: $json.body.request_uid, approved: true, timestamp: Date.now() }) }}',
					options: {},
				},
				{ typeVersion: 4.2 },
			),
		],
		connections: {
			Webhook: { main: [[{ node: 'Crypto', type: 'main', index: 0 }]] },
			Crypto: { main: [[{ node: 'Signature matches', type: 'main', index: 0 }]] },
			'Signature matches': { main: [[{ node: 'Send approval', type: 'main', index: 0 }], []] },
		},
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------- one open-loop phase
async function phase(ctx, flow, rate, kind) {
	const { sandbox, endpoints, pids } = ctx;
	// n8n's own background CPU while idle (timers, pruning, the task broker), subtracted below.
	const baseCpu = cpuSeconds(pids);
	await sleep(3000);
	const baselineCpuPerSecond = (cpuSeconds(pids) - baseCpu) / 3;
	const cpuBefore = cpuSeconds(pids);
	const phaseStarted = performance.now();
	const fired = await sandbox.fireTriggered({ ratePerSec: rate, durationMs: DURATION_MS, urls: [endpoints[flow].url], mode: 'signed', timeoutMs: DEADLINE_MS });
	const uids = fired.results.map((r) => r.request_uid);
	const recs = () => uids.map((uid) => sandbox.state.notifications.get(uid));
	// Every approval in, or every deadline passed + 2 s and nothing new arriving for 5 s.
	const lastDeadline = Math.max(...recs().map((r) => r.deadline));
	let lastCount = -1;
	let lastChange = Date.now();
	for (;;) {
		const count = recs().filter((r) => r.approval).length;
		if (count === uids.length) break;
		if (count !== lastCount) [lastCount, lastChange] = [count, Date.now()];
		if (Date.now() > lastDeadline + 2000 && Date.now() - lastChange >= 5000) break;
		await sleep(500);
	}
	const idleSeconds = await n8nIdle(pids);
	// CPU n8n's main process spent on this phase (its backlog included), minus its idle background rate.
	const n8nCpuSeconds = Math.max(0, cpuSeconds(pids) - cpuBefore - baselineCpuPerSecond * ((performance.now() - phaseStarted) / 1000));
	const all = recs();
	const latencies = all.filter((r) => r.approval).map((r) => r.approval.latencyMs).sort((a, b) => a - b);
	const delivered = all.filter((r) => r.deliveries[0]?.status === 200).length;
	const late = all.filter((r) => r.approval?.late).length;
	const lost = all.filter((r) => !r.approval).length;
	const duplicates = all.reduce((s, r) => s + r.duplicates, 0);
	const result = {
		kind,
		flow,
		rate,
		sent: uids.length,
		sendSeconds: r3(fired.durationMs / 1000),
		deliveryStatus: fired.byStatus,
		delivered200: delivered,
		approvals: latencies.length,
		late,
		lost,
		duplicates,
		p50: r1(quantile(latencies, 0.5)),
		p90: r1(quantile(latencies, 0.9)),
		p99: r1(quantile(latencies, 0.99)),
		max: r1(latencies.at(-1)),
		idleSeconds,
		loadAverage1m: r1(os.loadavg()[0]), // the machine is shared: how busy it was
		n8nIdleCpuPerSecond: r3(baselineCpuPerSecond),
		n8nCpuSeconds: r1(n8nCpuSeconds),
		n8nCpuMsPerNotification: r1((n8nCpuSeconds * 1000) / uids.length),
	};
	result.holds = late === 0 && lost === 0 && delivered === uids.length && duplicates === 0;
	for (const uid of uids) sandbox.state.notifications.delete(uid); // keep the sandbox small
	console.error(
		`${kind.padEnd(8)} ${flow.padEnd(7)} ${String(rate).padStart(4)}/s  sent ${result.sent}  200s ${delivered}  approvals ${result.approvals}  p50 ${result.p50}  p99 ${result.p99}  max ${result.max} ms  late ${late}  lost ${lost}  ${result.holds ? 'holds' : 'FAILS'}  deliveries ${JSON.stringify(fired.byStatus)}  n8n CPU ${result.n8nCpuMsPerNotification} ms/notification  (idle after ${idleSeconds} s, load ${result.loadAverage1m})`,
	);
	return result;
}

const finite = (xs) => xs.filter(Number.isFinite);
/** { median, min, max } of the finite values (nulls when none): a figure with its spread over rounds. */
function spread(values) {
	const xs = finite(values);
	return xs.length ? { median: r3(median(xs)), min: r3(Math.min(...xs)), max: r3(Math.max(...xs)) } : { median: null, min: null, max: null };
}
/** Ratios x/reference of two same-length per-round lists (null where either is missing or the reference is 0). */
const ratiosOf = (xs, refs) => xs.map((x, i) => (Number.isFinite(x) && Number.isFinite(refs[i]) && refs[i] > 0 ? r3(x / refs[i]) : null));

/**
 * Medians per rate and flow over the latency rounds and each other flow's ratios to the built-in flow
 * round by round (p50, p99); capacity per flow over the ramps and its ratios; n8n CPU per notification
 * over the phases that held.
 */
function summarize(phases, capacity) {
	const flows = [...new Set(phases.map((p) => p.flow))];
	const others = flows.filter((f) => f !== REFERENCE);
	const hasReference = flows.includes(REFERENCE);
	const rates = [...new Set(phases.filter((p) => p.kind === 'latency').map((p) => p.rate))];
	const summary = {};
	for (const rate of rates) {
		const of = (flow) => phases.filter((p) => p.kind === 'latency' && p.rate === rate && p.flow === flow);
		const row = {};
		for (const flow of flows) {
			const ps = of(flow);
			row[flow] = {
				p50: r1(median(finite(ps.map((p) => p.p50)))),
				p99: r1(median(finite(ps.map((p) => p.p99)))),
				p50Rounds: ps.map((p) => p.p50),
				p99Rounds: ps.map((p) => p.p99),
				max: ps.some((p) => Number.isFinite(p.max)) ? r1(Math.max(...finite(ps.map((p) => p.max)))) : null,
				late: ps.reduce((s, p) => s + p.late, 0),
				lost: ps.reduce((s, p) => s + p.lost, 0),
				sent: ps.reduce((s, p) => s + p.sent, 0),
				// p99 of the approvals that arrived: meaningless once more than 1 % never arrived.
				p99Meaningful: ps.every((p) => p.lost <= p.sent * 0.01),
			};
		}
		if (hasReference) {
			const ref = of(REFERENCE);
			for (const flow of others) {
				// Round by round: both flows of a round ran back to back, under the same machine load.
				const byRound = (figure) => {
					const perRound = ratiosOf(of(flow).map((p) => p[figure]), of(flow).map((p) => ref.find((q) => q.round === p.round)?.[figure]));
					return { medianOfRounds: r3(median(finite(perRound))), perRound };
				};
				row[ratioKey('p50', flow)] = byRound('p50');
				row[ratioKey('p99', flow)] = byRound('p99');
			}
		}
		summary[`${rate}/s`] = row;
	}

	const ratios = {};
	for (const flow of others) {
		const c = capacity[flow];
		const ref = capacity[REFERENCE];
		if (!c || !ref) continue;
		ratios[ratioKey('capacity', flow)] = Number.isFinite(ref.holds) && ref.holds > 0 ? r3((c.holds ?? 0) / ref.holds) : null;
		if (c.holdsRounds && ref.holdsRounds) ratios[`${ratioKey('capacity', flow)}PerRound`] = ratiosOf(c.holdsRounds.map((h) => h ?? 0), ref.holdsRounds);
	}

	// n8n CPU per notification: little affected by other tenants, unlike rates and latencies.
	const cpu = {};
	for (const flow of flows) {
		const held = phases.filter((p) => p.flow === flow && p.holds).map((p) => p.n8nCpuMsPerNotification);
		cpu[flow] = { msPerNotification: spread(held), phases: held.length };
	}
	for (const flow of hasReference ? others : []) {
		const [x, ref] = [cpu[flow].msPerNotification.median, cpu[REFERENCE].msPerNotification.median];
		cpu[ratioKey('cpu', flow)] = Number.isFinite(x) && Number.isFinite(ref) && ref > 0 ? r3(x / ref) : null;
	}
	return { summary, capacityRatios: ratios, cpu };
}

/**
 * What one eager isolate acquisition costs: n8n 2.41.1's pool hands out a fresh isolated-vm bridge per
 * acquisition and disposes it on release, so every acquisition is one bridge build. Timed in n8n's own
 * Node 24 with n8n's @n8n/expression-runtime (median of 20 after one warm-up).
 */
async function isolateCost() {
	const { nodeBin, n8nDir } = await ensureN8nInstalled({ quiet: true });
	const runtime = path.join(n8nDir, 'node_modules', '@n8n', 'expression-runtime', 'dist', 'cjs', 'bridge', 'isolated-vm-bridge.js');
	const script = `
const { IsolatedVmBridge } = require(${JSON.stringify(runtime)});
(async () => {
	const make = () => new IsolatedVmBridge({ timeout: 5000, memoryLimit: 128 });
	const warm = make(); await warm.initialize(); await warm.dispose();
	const wall = [], cpu = [];
	for (let i = 0; i < 20; i++) {
		const c0 = process.cpuUsage(); const t0 = performance.now();
		const b = make(); await b.initialize();
		wall.push(performance.now() - t0); const c = process.cpuUsage(c0); cpu.push((c.user + c.system) / 1000);
		await b.dispose();
	}
	const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
	console.log(JSON.stringify({ builds: 20, cpuMedianMs: Math.round(med(cpu)), cpuMinMs: Math.round(Math.min(...cpu)), wallMedianMs: Math.round(med(wall)) }));
})();`;
	try {
		return JSON.parse(execFileSync(path.join(nodeBin, 'node'), ['-e', script], { encoding: 'utf8', timeout: 120_000 }).trim());
	} catch (error) {
		return { error: error.message.slice(0, 300) };
	}
}

// ---------------------------------------------------------------- the method, phase by phase

/** n8n (single process or queue cluster) and the sandbox, the three workflows published, their URLs. */
async function setUp(env) {
	const sandbox = await startSandbox({ port: 0, log: false, timeoutMs: DEADLINE_MS });
	let n8n;
	let cluster;
	const stop = async () => {
		if (cluster) await cluster.stop();
		else if (n8n) await n8n.stop();
		await sandbox.close();
	};
	try {
		const packageDir = args['package-dir'] ? { packageDir: path.resolve(args['package-dir']) } : {};
		if (args.queue) {
			cluster = await startQueueCluster({ quiet: true, workers: 2, env, ...packageDir });
			n8n = cluster.main;
			console.error(`n8n ${N8N_VERSION} in queue mode: main ${n8n.baseUrl}, webhook processor ${cluster.webhook.baseUrl}, 2 workers (ready in ${cluster.seconds.total.toFixed(1)} s); sandbox ${sandbox.url}; n8n env ${JSON.stringify(env)}`);
		} else {
			n8n = await startN8n({ quiet: true, env, ...packageDir });
			console.error(`n8n ${N8N_VERSION} on ${n8n.baseUrl} (pid ${n8n.pid}, boot ${n8n.bootSeconds.toFixed(1)} s); sandbox ${sandbox.url}; n8n env ${JSON.stringify(env)}`);
		}
		const pids = cluster ? cluster.processes.map((p) => p.pid) : [n8n.pid];
		const webhookBase = cluster ? cluster.webhook.baseUrl : n8n.baseUrl;
		const credentials = await createCredentials(n8n, sandbox);
		const workflows = { ours: () => oursWorkflow(credentials), verify: () => verifyWorkflow(credentials), builtin: () => builtinWorkflow(sandbox) };
		const workflowIds = {};
		for (const flow of FLOWS) {
			workflowIds[flow] = await n8n.createWorkflow(workflows[flow]());
			await n8n.publish(workflowIds[flow]);
		}
		const urls = { verify: `${webhookBase}/webhook/${VERIFY_PATH}`, builtin: `${webhookBase}/webhook/${BUILTIN_PATH}` };
		if (FLOWS.includes('ours')) {
			const hooks = await (await fetch(`${sandbox.url}/conditional-execution/v2/triggered/webhooks`, { headers: { 'X-API-KEY': SANDBOX_API_KEY } })).json();
			const hook = hooks.find((h) => h.url.includes(`/webhook/${OURS_ID}/`));
			if (!hook) throw new Error('the Optimove Trigger registered no webhook at the sandbox');
			urls.ours = hook.url;
		}
		const endpoints = Object.fromEntries(FLOWS.map((flow) => [flow, { url: urls[flow], workflowId: workflowIds[flow] }]));
		return { sandbox, n8n, cluster, endpoints, pids, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** 1. One signed notification per flow must come back approved. */
async function smoke(ctx) {
	const { sandbox, pids, endpoints } = ctx;
	for (const flow of FLOWS) {
		const fired = await sandbox.fireTriggered({ count: 1, urls: [endpoints[flow].url], timeoutMs: DEADLINE_MS });
		const uid = fired.results[0].request_uid;
		let rec = sandbox.state.notifications.get(uid);
		for (let i = 0; i < 100 && !rec.approval; i++) {
			await sleep(100);
			rec = sandbox.state.notifications.get(uid);
		}
		if (!rec.approval) throw new Error(`${flow}: a signed notification got ${JSON.stringify(fired.byStatus)} and no approval within 10 s`);
		console.error(`smoke ${flow}: approved in ${rec.approval.latencyMs} ms`);
	}
	await n8nIdle(pids);
}

/**
 * 2. Forged notifications (a well-formed signature made with the wrong secret) to every flow:
 * answers, new executions (all, and failed), approvals. None may be approved by ours or verify.
 */
async function forgedPhase(ctx, { savesSuccess }) {
	const { sandbox, n8n, pids, endpoints } = ctx;
	const count = async (workflowId, status) => (await n8n.executions(workflowId, { limit: 250, ...(status ? { status } : {}) })).length;
	const forged = {};
	for (const flow of FLOWS) {
		const { workflowId } = endpoints[flow];
		const [before, failedBefore] = [savesSuccess ? await count(workflowId) : null, await count(workflowId, 'error')];
		const approvalsBefore = sandbox.state.triggered.approvals;
		const fired = await sandbox.fireTriggered({ count: FORGED, ratePerSec: 10, urls: [endpoints[flow].url], mode: 'forged', timeoutMs: DEADLINE_MS });
		await sleep(2000);
		await n8nIdle(pids);
		forged[flow] = {
			sent: FORGED,
			byStatus: fired.byStatus,
			newExecutions: savesSuccess ? (await count(workflowId)) - before : 'not counted (successful executions not saved)',
			failedExecutions: (await count(workflowId, 'error')) - failedBefore,
			approvalsSent: sandbox.state.triggered.approvals - approvalsBefore,
		};
		forged[flow].refused = flow === REFERENCE ? null : forged[flow].approvalsSent === 0 && (flow !== 'ours' || (!fired.byStatus['200'] && (forged[flow].newExecutions === 0 || !savesSuccess)));
		console.error(`forged ×${FORGED} → ${flow}: ${JSON.stringify(fired.byStatus)}, new executions ${forged[flow].newExecutions} (failed ${forged[flow].failedExecutions}), approvals ${forged[flow].approvalsSent}`);
		for (const r of fired.results) sandbox.state.notifications.delete(r.request_uid);
	}
	return forged;
}

/**
 * 2b. Warm-up, not recorded: n8n's first executions of a workflow after boot are several times
 * slower (code not yet optimised, caches cold), which would count against whichever flow goes first.
 */
async function warmUp(ctx) {
	const { sandbox, pids, endpoints } = ctx;
	if (!WARMUP_MS) return;
	for (const flow of FLOWS) {
		const fired = await sandbox.fireTriggered({ ratePerSec: 5, durationMs: WARMUP_MS, urls: [endpoints[flow].url], mode: 'signed', timeoutMs: DEADLINE_MS });
		await sleep(DEADLINE_MS);
		await n8nIdle(pids);
		for (const r of fired.results) sandbox.state.notifications.delete(r.request_uid);
	}
	console.error(`warm-up: ${WARMUP_MS / 1000} s at 5/s per flow`);
}

/** 3. Latency at each fixed rate, --rounds rounds; round r starts with flow r. */
async function latencyRounds(ctx) {
	const phases = [];
	for (const rate of RATES) {
		for (let round = 1; round <= ROUNDS; round++) {
			for (const flow of rotate(FLOWS, round - 1)) phases.push({ round, ...(await phase(ctx, flow, rate, 'latency')) });
		}
	}
	return phases;
}

/**
 * 4. Capacity: --capacity-rounds ramps; in each, the rate steps up while a flow holds (a failing step
 * retried --retries times); within a step the flows take turns going first.
 */
async function capacityRamps(ctx) {
	const ramps = [];
	for (let round = 1; round <= (CAPACITY.length ? CAPACITY_ROUNDS : 0); round++) {
		const ramp = Object.fromEntries(FLOWS.map((f) => [f, { holds: null, failsAt: null, steps: [] }]));
		let step = round - 1;
		for (const rate of CAPACITY) {
			const alive = FLOWS.filter((f) => ramp[f].failsAt === null);
			if (!alive.length) break;
			for (const flow of rotate(alive, step++)) {
				let result;
				for (let attempt = 0; attempt <= RETRIES; attempt++) {
					result = { round, attempt: attempt + 1, ...(await phase(ctx, flow, rate, 'capacity')) };
					ramp[flow].steps.push(result);
					if (result.holds) break;
				}
				if (result.holds) ramp[flow].holds = rate;
				else ramp[flow].failsAt = rate;
			}
		}
		console.error(`capacity round ${round}: ${FLOWS.map((f) => `${f} holds ${ramp[f].holds ?? 0}/s`).join(', ')}`);
		ramps.push(ramp);
	}
	// Per flow: the median over the ramps, with every ramp's figure.
	return Object.fromEntries(
		FLOWS.map((flow) => {
			const holdsRounds = ramps.map((r) => r[flow].holds ?? 0);
			const failsAtRounds = ramps.map((r) => r[flow].failsAt);
			return [flow, { holds: ramps.length ? median(holdsRounds) : null, failsAt: failsAtRounds.every(Number.isFinite) && ramps.length ? median(failsAtRounds) : null, holdsRounds, failsAtRounds, steps: ramps.flatMap((r) => r[flow].steps) }];
		}),
	);
}

/** Failed executions per flow and the last one's error (ours: an approval past its deadline is not sent). */
async function failedExecutions(ctx) {
	const counts = {};
	const firstErrors = {};
	for (const flow of FLOWS) {
		const failed = await ctx.n8n.executions(ctx.endpoints[flow].workflowId, { status: 'error' });
		counts[flow] = failed.length;
		if (failed.length) firstErrors[flow] = executionError(await ctx.n8n.execution(failed.at(-1).id, { includeData: true }));
	}
	return { failedExecutions: counts, firstErrors };
}

/** 5. The figures and ratios, as one line each (the JSON has every phase). */
function printReport(result) {
	const { summary, capacity, cpu, forged } = result;
	const name = (flow) => `${flow.padEnd(7)} ${FLOW_NAMES[flow].padEnd(21)}`;
	const others = FLOWS.filter((f) => f !== REFERENCE && FLOWS.includes(REFERENCE));
	console.log(`\nTriggered approval, open loop, n8n ${N8N_VERSION}${result.mode.startsWith('queue') ? ' in queue mode (1 webhook processor, 2 workers)' : ''}, engine ${result.expressionEngine}, env ${JSON.stringify(result.n8nEnv)}, ${DURATION_MS / 1000} s per phase, deadline ${DEADLINE_MS} ms, load average ${result.loadAverage.min}–${result.loadAverage.max}`);
	for (const [rate, s] of Object.entries(summary)) {
		for (const flow of FLOWS) {
			const f = s[flow];
			console.log(`${rate.padStart(5)} ${name(flow)} p50 ${f.p50} ms (rounds ${f.p50Rounds.join(' / ')})  p99 ${f.p99} ms (rounds ${f.p99Rounds.join(' / ')})  max ${f.max} ms  late ${f.late}  lost ${f.lost} of ${f.sent}`);
		}
		for (const flow of others) {
			const [p50, p99] = [s[ratioKey('p50', flow)], s[ratioKey('p99', flow)]];
			console.log(`${rate.padStart(5)} ${flow}/${REFERENCE}: p50 ${p50.medianOfRounds} (rounds ${p50.perRound.join(' / ')}), p99 ${p99.medianOfRounds} (rounds ${p99.perRound.join(' / ')})`);
		}
	}
	for (const flow of FLOWS) {
		const c = capacity[flow];
		if (!c || !CAPACITY.length) continue;
		console.log(`capacity ${name(flow)} holds ${c.holds ?? '<' + CAPACITY[0]}/s (ramps ${c.holdsRounds.join(' / ')}), fails at ${c.failsAtRounds.map((x) => x ?? '(not reached)').join(' / ')}/s`);
	}
	for (const flow of others) if (capacity[flow] && CAPACITY.length) console.log(`capacity ${flow}/${REFERENCE}: ${result[ratioKey('capacity', flow)]}${result[`${ratioKey('capacity', flow)}PerRound`]?.length > 1 ? ` (ramps ${result[`${ratioKey('capacity', flow)}PerRound`].join(' / ')})` : ''}`);
	for (const flow of FLOWS) {
		const m = cpu[flow].msPerNotification;
		console.log(`n8n CPU ${name(flow)} ${m.median} ms/notification (${m.min}–${m.max} over ${cpu[flow].phases} holding phases)${cpu[ratioKey('cpu', flow)] ? `, ${flow}/${REFERENCE} ${cpu[ratioKey('cpu', flow)]}` : ''}`);
	}
	for (const [flow, f] of Object.entries(forged)) console.log(`forged ×${f.sent} → ${name(flow)} ${JSON.stringify(f.byStatus)}, new executions ${f.newExecutions} (failed ${f.failedExecutions}), approvals ${f.approvalsSent}${f.refused === null ? '' : f.refused ? '  refused' : '  NOT REFUSED'}`);
	console.log(`one expression isolate build (what an eager acquisition costs): ${JSON.stringify(result.isolateBuild)}`);
	console.log(`failed executions: ${JSON.stringify(result.failedExecutions)}${Object.keys(result.firstErrors).length ? `; last error: ${JSON.stringify(result.firstErrors)}` : ''}`);
}

async function main() {
	const startedAt = new Date();
	const env = n8nEnvFrom({ engine: args.engine, pairs: args['n8n-env'] });
	const savesSuccess = !/^none$/i.test(env.EXECUTIONS_DATA_SAVE_ON_SUCCESS ?? env.N8N_EXECUTIONS_DATA_SAVE_ON_SUCCESS ?? 'all');
	const ctx = await setUp(env);
	try {
		await smoke(ctx);
		const forged = await forgedPhase(ctx, { savesSuccess });
		await warmUp(ctx);
		const latency = await latencyRounds(ctx);
		const capacity = await capacityRamps(ctx);
		const { failedExecutions: failed, firstErrors } = await failedExecutions(ctx);
		const phases = [...latency, ...Object.values(capacity).flatMap((c) => c.steps)];
		const { summary, capacityRatios, cpu } = summarize(phases, capacity);
		const isolateBuild = await isolateCost(); // n8n is idle here; the same machine load as the phases
		const loads = phases.map((p) => p.loadAverage1m);

		const result = {
			benchmark: 'triggered-approval',
			label: args.label ?? null,
			date: startedAt.toISOString(),
			n8n: N8N_VERSION,
			expressionEngine: env.N8N_EXPRESSION_ENGINE ?? "n8n default ('vm' in 2.41.1: isolated runtime)",
			n8nEnv: env,
			mode: ctx.cluster ? 'queue: main + 1 webhook processor + 2 workers (concurrency 10), PostgreSQL + Redis on loopback' : 'single process (SQLite)',
			packageDir: args['package-dir'] ? 'experiment build (see label)' : 'this repository (dist/)',
			flows: Object.fromEntries(FLOWS.map((f) => [f, FLOW_NAMES[f]])),
			loadAverage: { min: r1(Math.min(...loads)), max: r1(Math.max(...loads)) },
			settings: { durationSeconds: DURATION_MS / 1000, warmupSeconds: WARMUP_MS / 1000, rounds: ROUNDS, rates: RATES, capacitySteps: CAPACITY, capacityRounds: CAPACITY_ROUNDS, retries: RETRIES, deadlineMs: DEADLINE_MS, openLoop: true },
			summary,
			capacity: Object.fromEntries(FLOWS.map((f) => [f, { holds: capacity[f].holds, failsAt: capacity[f].failsAt, holdsRounds: capacity[f].holdsRounds, failsAtRounds: capacity[f].failsAtRounds }])),
			...capacityRatios,
			cpu,
			forged,
			failedExecutions: failed,
			firstErrors,
			isolateBuild,
			phases,
		};
		const out = writeResultFile(path.resolve(ROOT, args.out), result);
		printReport(result);
		console.log(`\nJSON: ${out}`);
	} finally {
		await ctx.stop();
	}
}

if (args['isolate-cost']) {
	console.log(JSON.stringify(await isolateCost()));
} else if (args.resummarize) {
	const file = path.resolve(ROOT, args.resummarize);
	const result = JSON.parse(readFileSync(file, 'utf8'));
	const { summary, capacityRatios, cpu } = summarize(result.phases, result.capacity ?? {});
	Object.assign(result, { summary, ...capacityRatios, cpu });
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	console.log(JSON.stringify({ summary: result.summary, capacity: result.capacity, ...capacityRatios, cpu }, null, 1));
} else {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
