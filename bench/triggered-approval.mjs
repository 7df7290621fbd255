#!/usr/bin/env node
// Benchmark (not a test): triggered conditional execution end to end — Optimove's notification →
// n8n → approval back at "Optimove" — latency and capacity, the Optimove nodes versus the same flow
// built only from n8n's built-in nodes, on the same n8n, in the same run.
//
//   npm run build            # if dist/ is older than nodes/ or credentials/
//   node bench/triggered-approval.mjs [--rates 10,20] [--duration 30] [--rounds 2]
//        [--capacity 10,15,20,25,30,40,50,60,80,100,120] [--retries 1] [--forged 20] [--deadline 5000]
//        [--flows ours,builtin] [--engine vm] [--n8n-env KEY=VALUE]... [--out bench/results/triggered-approval.json]
//        [--queue]
//
// One real n8n (test/e2e/lib/n8n.mjs) and the Optimove sandbox (in this process), both on loopback.
// Two published workflows:
//   ours     Optimove Trigger (Triggered Conditional Execution; verifies the HMAC-SHA256 signature
//            over the raw bytes, 401 and no execution otherwise) → Optimove: Send Triggered Approval
//            (defaults: {{ $json.requestUid }}, {{ $json.approvalDeadline }}, approved = true)
//   builtin  Webhook (POST, raw body, answers on receipt) → Crypto (HMAC-SHA256 of the raw body with
//            the secret, hex) → IF (signature header equals it) → HTTP Request (POST the approval to
//            /conditional-execution/v2/triggered/approval with the API key)
// The sandbox fires signed notifications OPEN LOOP (fixed timer, never waiting for replies) to one
// flow's URL at a time (fireTriggered `urls`) and records each approval's arrival
// (performance.now() at the sandbox minus the moment the notification's bytes went to the socket).
// Late = approval after the notification's deadline (sandbox timeout, 5 s by default); lost = no
// approval at all (ours does not send an approval after its deadline, so a late one shows as lost).
// Phases: latency at --rates for --duration s, --rounds rounds, flows alternating first; capacity:
// the fixed rate steps up (--capacity) and each flow keeps going while a step holds --duration s with
// zero late, zero lost and every delivery answered 200 (a failing step is retried --retries times:
// the machine is shared). Between phases it waits until every approval is in (or the deadlines have
// passed) and n8n's main process is idle. Forged notifications (wrong secret) go to both flows first.
// --queue: n8n in queue mode instead (test/e2e/lib/queue.mjs: main, one webhook processor that takes
// the notifications, two workers that send the approvals; PostgreSQL and Redis on loopback). "n8n
// CPU" is then the sum over the four processes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCredentials, executionError, node, SANDBOX_API_KEY } from '../test/e2e/lib/fixtures.mjs';
import { ensureN8nInstalled, ROOT, N8N_VERSION, startN8n } from '../test/e2e/lib/n8n.mjs';
import { startQueueCluster } from '../test/e2e/lib/queue.mjs';
import { execFileSync } from 'node:child_process';
import { startSandbox } from '../sandbox/server.mjs';
import { cpuMs, median, n8nEnvFrom, quantile, r1, r3, sleep } from './lib.mjs';

const { values: args } = parseArgs({
	options: {
		rates: { type: 'string', default: '10,20' },
		duration: { type: 'string', default: '30' },
		rounds: { type: 'string', default: '2' },
		capacity: { type: 'string', default: '10,15,20,25,30,40,50,60,80,100,120' }, // "none" to skip
		retries: { type: 'string', default: '1' },
		forged: { type: 'string', default: '20' },
		deadline: { type: 'string', default: '5000' },
		flows: { type: 'string', default: 'ours,builtin' },
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
const CAPACITY = list(args.capacity);
const RETRIES = Math.max(0, Number(args.retries));
const FORGED = Math.min(200, Math.max(0, Number(args.forged)));
const DEADLINE_MS = Number(args.deadline);
const FLOWS = args.flows.split(',');
const SECRET = 'sandbox-webhook-secret';
const OURS_ID = 'bench-ta-ours';
const BUILTIN_PATH = 'bench-ta-builtin';

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

/** Medians per rate and flow over the latency rounds, p99 ratios per round, capacity ratio. */
function summarize(phases, capacity) {
	const flows = [...new Set(phases.map((p) => p.flow))];
	const rates = [...new Set(phases.filter((p) => p.kind === 'latency').map((p) => p.rate))];
	const summary = {};
	for (const rate of rates) {
		const of = (flow) => phases.filter((p) => p.kind === 'latency' && p.rate === rate && p.flow === flow);
		const row = {};
		for (const flow of flows) {
			const ps = of(flow);
			const p99s = ps.map((p) => p.p99).filter(Number.isFinite);
			row[flow] = {
				p50: r1(median(ps.map((p) => p.p50).filter(Number.isFinite))),
				p99: r1(median(p99s)),
				p99Rounds: ps.map((p) => p.p99),
				max: ps.some((p) => Number.isFinite(p.max)) ? r1(Math.max(...ps.map((p) => p.max).filter(Number.isFinite))) : null,
				late: ps.reduce((s, p) => s + p.late, 0),
				lost: ps.reduce((s, p) => s + p.lost, 0),
				sent: ps.reduce((s, p) => s + p.sent, 0),
				// p99 of the approvals that arrived: meaningless once more than 1 % never arrived.
				p99Meaningful: ps.every((p) => p.lost <= p.sent * 0.01),
			};
		}
		if (row.ours && row.builtin) {
			const b = of('builtin');
			const ratios = of('ours').map((p, i) => (Number.isFinite(p.p99) && Number.isFinite(b[i]?.p99) ? p.p99 / b[i].p99 : null));
			row.p99RatioOursToBuiltin = { medianOfRounds: r3(median(ratios.filter(Number.isFinite))), perRound: ratios.map(r3) };
		}
		summary[`${rate}/s`] = row;
	}
	const capacityRatio = capacity.ours && capacity.builtin && capacity.builtin.holds ? r3((capacity.ours.holds ?? 0) / capacity.builtin.holds) : null;
	return { summary, capacityRatio };
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

async function countExecutions(n8n, workflowId) {
	return (await n8n.executions(workflowId, { limit: 250 })).length;
}

async function main() {
	const startedAt = new Date();
	const env = n8nEnvFrom({ engine: args.engine, pairs: args['n8n-env'] });
	const savesSuccess = !/^none$/i.test(env.EXECUTIONS_DATA_SAVE_ON_SUCCESS ?? env.N8N_EXECUTIONS_DATA_SAVE_ON_SUCCESS ?? 'all');
	const sandbox = await startSandbox({ port: 0, log: false, timeoutMs: DEADLINE_MS });
	let n8n;
	let cluster;
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
		const oursWf = await n8n.createWorkflow(oursWorkflow(credentials));
		const builtinWf = await n8n.createWorkflow(builtinWorkflow(sandbox));
		await n8n.publish(oursWf);
		await n8n.publish(builtinWf);
		const hooks = await (await fetch(`${sandbox.url}/conditional-execution/v2/triggered/webhooks`, { headers: { 'X-API-KEY': SANDBOX_API_KEY } })).json();
		const hook = hooks.find((h) => h.url.includes(`/webhook/${OURS_ID}/`));
		if (!hook) throw new Error('the Optimove Trigger registered no webhook at the sandbox');
		const endpoints = { ours: { url: hook.url, workflowId: oursWf }, builtin: { url: `${webhookBase}/webhook/${BUILTIN_PATH}`, workflowId: builtinWf } };
		const ctx = { sandbox, n8n, endpoints, pids };

		// Smoke: one signed notification per flow must come back approved.
		for (const flow of FLOWS) {
			const fired = await sandbox.fireTriggered({ count: 1, urls: [endpoints[flow].url], timeoutMs: DEADLINE_MS });
			const uid = fired.results[0].request_uid;
			const rec = await (async () => {
				for (let i = 0; i < 100; i++) {
					const r = sandbox.state.notifications.get(uid);
					if (r.approval) return r;
					await sleep(100);
				}
				return sandbox.state.notifications.get(uid);
			})();
			if (!rec.approval) throw new Error(`${flow}: a signed notification got ${JSON.stringify(fired.byStatus)} and no approval within 10 s`);
			console.error(`smoke ${flow}: approved in ${rec.approval.latencyMs} ms`);
		}
		await n8nIdle(pids);

		// Forged notifications (a well-formed signature made with the wrong secret).
		const forged = {};
		for (const flow of FLOWS) {
			const before = savesSuccess ? await countExecutions(n8n, endpoints[flow].workflowId) : null;
			const approvalsBefore = sandbox.state.triggered.approvals;
			const fired = await sandbox.fireTriggered({ count: FORGED, ratePerSec: 10, urls: [endpoints[flow].url], mode: 'forged', timeoutMs: DEADLINE_MS });
			await sleep(2000);
			await n8nIdle(pids);
			const after = savesSuccess ? await countExecutions(n8n, endpoints[flow].workflowId) : null;
			forged[flow] = {
				sent: FORGED,
				byStatus: fired.byStatus,
				newExecutions: savesSuccess ? after - before : 'not counted (successful executions not saved)',
				approvalsSent: sandbox.state.triggered.approvals - approvalsBefore,
			};
			console.error(`forged ×${FORGED} → ${flow}: ${JSON.stringify(fired.byStatus)}, new executions ${forged[flow].newExecutions}, approvals ${forged[flow].approvalsSent}`);
			for (const r of fired.results) sandbox.state.notifications.delete(r.request_uid);
		}

		// Latency at fixed rates, flows alternating first.
		const phases = [];
		for (const rate of RATES) {
			for (let round = 1; round <= ROUNDS; round++) {
				const order = round % 2 ? FLOWS : [...FLOWS].reverse();
				for (const flow of order) phases.push({ round, ...(await phase(ctx, flow, rate, 'latency')) });
			}
		}

		// Capacity: step the rate up while a flow holds.
		const capacity = Object.fromEntries(FLOWS.map((f) => [f, { holds: null, failsAt: null, steps: [] }]));
		let step = 0;
		for (const rate of CAPACITY) {
			const alive = FLOWS.filter((f) => capacity[f].failsAt === null);
			if (!alive.length) break;
			const order = step++ % 2 ? [...alive].reverse() : alive;
			for (const flow of order) {
				let result;
				for (let attempt = 0; attempt <= RETRIES; attempt++) {
					result = { attempt: attempt + 1, ...(await phase(ctx, flow, rate, 'capacity')) };
					capacity[flow].steps.push(result);
					if (result.holds) break;
				}
				if (result.holds) capacity[flow].holds = rate;
				else capacity[flow].failsAt = rate;
			}
		}

		// Executions that failed (ours: an approval past its deadline is not sent and fails the item).
		const failedExecutions = {};
		const firstErrors = {};
		for (const flow of FLOWS) {
			const failed = await n8n.executions(endpoints[flow].workflowId, { status: 'error' });
			failedExecutions[flow] = failed.length;
			if (failed.length) firstErrors[flow] = executionError(await n8n.execution(failed.at(-1).id, { includeData: true }));
		}

		const { summary, capacityRatio } = summarize(phases, capacity);
		const isolateBuild = await isolateCost(); // n8n is idle here; the same machine load as the phases

		const result = {
			benchmark: 'triggered-approval',
			label: args.label ?? null,
			date: startedAt.toISOString(),
			n8n: N8N_VERSION,
			expressionEngine: env.N8N_EXPRESSION_ENGINE ?? "n8n default ('vm' in 2.41.1: isolated runtime)",
			n8nEnv: env,
			mode: cluster ? 'queue: main + 1 webhook processor + 2 workers (concurrency 10), PostgreSQL + Redis on loopback' : 'single process (SQLite)',
			packageDir: args['package-dir'] ? 'experiment build (see label)' : 'this repository (dist/)',
			machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadGeneratorNode: process.version, platform: `${os.platform()} ${os.release()}`, shared: true },
			settings: { durationSeconds: DURATION_MS / 1000, rounds: ROUNDS, rates: RATES, capacitySteps: CAPACITY, retries: RETRIES, deadlineMs: DEADLINE_MS, openLoop: true },
			summary,
			capacity: Object.fromEntries(FLOWS.map((f) => [f, { holds: capacity[f].holds, failsAt: capacity[f].failsAt }])),
			capacityRatioOursToBuiltin: capacityRatio,
			forged,
			failedExecutions,
			firstErrors,
			isolateBuild,
			phases,
			capacitySteps: capacity,
		};
		const out = path.resolve(ROOT, args.out);
		mkdirSync(path.dirname(out), { recursive: true });
		writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

		console.log(`\nTriggered approval, open loop, n8n ${N8N_VERSION}${cluster ? ' in queue mode (1 webhook processor, 2 workers)' : ''}, engine ${result.expressionEngine}, env ${JSON.stringify(env)}, ${DURATION_MS / 1000} s per phase, deadline ${DEADLINE_MS} ms`);
		for (const [rate, s] of Object.entries(summary)) {
			for (const flow of FLOWS) console.log(`${rate.padStart(5)} ${flow.padEnd(7)} p50 ${s[flow].p50} ms  p99 ${s[flow].p99} ms (rounds ${s[flow].p99Rounds.join(' / ')})  max ${s[flow].max} ms  late ${s[flow].late}  lost ${s[flow].lost} of ${s[flow].sent}`);
			if (s.p99RatioOursToBuiltin) console.log(`${rate.padStart(5)} p99 ours/built-in: ${s.p99RatioOursToBuiltin.medianOfRounds} (per round ${s.p99RatioOursToBuiltin.perRound.join(' / ')})`);
		}
		for (const flow of FLOWS) console.log(`capacity ${flow}: holds ${capacity[flow].holds ?? '<' + CAPACITY[0]}/s, fails at ${capacity[flow].failsAt ?? '(not reached)'}/s`);
		if (capacityRatio !== null) console.log(`capacity ratio ours/built-in: ${capacityRatio}`);
		for (const [flow, f] of Object.entries(forged)) console.log(`forged ×${f.sent} → ${flow}: ${JSON.stringify(f.byStatus)}, new executions ${f.newExecutions}, approvals ${f.approvalsSent}`);
		console.log(`one expression isolate build (what an eager acquisition costs): ${JSON.stringify(isolateBuild)}`);
		console.log(`failed executions: ${JSON.stringify(failedExecutions)}${Object.keys(firstErrors).length ? `; first error: ${JSON.stringify(firstErrors)}` : ''}`);
		console.log(`\nJSON: ${path.relative(ROOT, out)}`);
	} finally {
		if (cluster) await cluster.stop();
		else if (n8n) await n8n.stop();
		await sandbox.close();
	}
}

if (args['isolate-cost']) {
	console.log(JSON.stringify(await isolateCost()));
} else if (args.resummarize) {
	const file = path.resolve(ROOT, args.resummarize);
	const result = JSON.parse(readFileSync(file, 'utf8'));
	const capacity = Object.fromEntries(Object.entries(result.capacity ?? {}).map(([flow, c]) => [flow, { ...c }]));
	Object.assign(result, (({ summary, capacityRatio }) => ({ summary, capacityRatioOursToBuiltin: capacityRatio }))(summarize(result.phases, capacity)));
	writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	console.log(JSON.stringify({ summary: result.summary, capacity: result.capacity, capacityRatioOursToBuiltin: result.capacityRatioOursToBuiltin }, null, 1));
} else {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
