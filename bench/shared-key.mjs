#!/usr/bin/env node
// The REST rate limit across processes: several n8n processes (queue-mode workers, or separate
// n8n instances) use ONE API key at the same time against the sandbox, which enforces Optimove's
// real 50 requests / 10 s sliding window per key and answers 429 over it. Each process runs
// Account → Get Last Data Update over its items; the figures are calls, 429s, calls lost (failed
// for good), time, and time ÷ the floor (all calls ÷ 50 per 10 s).
//
//   node bench/shared-key.mjs [--mode processes|n8n|both] [--processes 2] [--calls 250]
//        [--executions 1] [--share 50] [--package-dir .] [--out shared-key]
//
// processes: each process is a plain Node child running the built node and transport (dist/)
//   through a minimal n8n context with n8n-core's real HTTP helper (bench/shared-key-process.mjs).
// n8n: each process is a real n8n 2.41.1 (its own SQLite), one workflow Manual Trigger → Code
//   (the items) → Optimove, run in every instance at the same moment (`--executions` runs each).
// --share sets the credential's "REST Requests per 10 Seconds" in every process (50 = the default:
//   no share configured, the limiter learns it from 429s; 25 with two processes = the explicit share).
// --package-dir runs another build (e.g. an older commit's, to compare): its dist/ must be built.
// Wrap it in the shared lock: flock /tmp/optimove-n8n.lock node bench/shared-key.mjs
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../scripts/lib/args.mjs';
import { startSandbox } from '../tools/sandbox/server.mjs';
import { chain, createCredentials, node } from '../tools/n8n/fixtures.mjs';
import { startN8n } from '../tools/n8n/index.mjs';
import { r3, sleep, table, writeResult } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseCli({
	mode: { type: 'string', default: 'both' },
	processes: { type: 'string', default: '2' },
	calls: { type: 'string', default: '250' },
	executions: { type: 'string', default: '1' },
	share: { type: 'string', default: '50' },
	'package-dir': { type: 'string', default: path.resolve(here, '..') },
	out: { type: 'string', default: 'shared-key' },
});
const MODES = args.mode === 'both' ? ['processes', 'n8n'] : [args.mode];
for (const mode of MODES) if (!['processes', 'n8n'].includes(mode)) throw new Error(`--mode processes|n8n|both, got "${mode}"`);
const PROCESSES = Number(args.processes);
const CALLS = Number(args.calls);
const EXECUTIONS = Number(args.executions);
const SHARE = Number(args.share);
const PACKAGE_DIR = path.resolve(args['package-dir']);
const KEY = 'sandbox-api-key';
const OPTIMOVE = 'n8n-nodes-optimove.optimove';
const floorSeconds = (calls) => (calls / 50) * 10;

/** Runs `work()` (which resolves to per-process outcomes) and reads the key's counters around it. */
async function measured(sandbox, label, work) {
	// Earlier calls (credential tests, another mode) leave the window first.
	await sleep(10_500);
	const before = structuredClone(sandbox.report().keys[KEY] ?? { requests: 0, rateLimited: 0 });
	const outcomes = await work();
	const after = sandbox.report().keys[KEY];
	const calls = PROCESSES * CALLS;
	const seconds = (Math.max(...outcomes.map((o) => o.finished)) - Math.min(...outcomes.map((o) => o.started))) / 1000;
	return {
		mode: label,
		processes: PROCESSES,
		executionsEach: EXECUTIONS,
		share: SHARE,
		calls,
		requests: after.requests - before.requests,
		'429s': after.rateLimited - before.rateLimited,
		lost: outcomes.reduce((sum, o) => sum + o.lost, 0),
		seconds: r3(seconds),
		floorSeconds: floorSeconds(calls),
		ratio: r3(seconds / floorSeconds(calls)),
		perProcessSeconds: outcomes.map((o) => r3((o.finished - o.started) / 1000)).join(' / '),
		errors: [...new Set(outcomes.flatMap((o) => o.errors))].join('; '),
	};
}

/** One child per process, all starting their calls at the same moment. */
async function runProcesses(sandbox) {
	const startAt = Date.now() + 1500; // time for the children to load n8n-core and the node
	const child = () =>
		new Promise((resolve, reject) => {
			const argv = [path.join(here, 'shared-key-process.mjs'), '--url', sandbox.url, '--key', KEY, '--calls', String(CALLS), '--executions', String(EXECUTIONS), '--share', String(SHARE), '--start-at', String(startAt), '--package-dir', PACKAGE_DIR];
			const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
			let out = '';
			proc.stdout.on('data', (chunk) => (out += chunk));
			proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`process exited ${code}: ${out}`))));
		});
	return Promise.all(Array.from({ length: PROCESSES }, child));
}

/** One real n8n per process, the workflow run `EXECUTIONS` times in each at the same moment. */
async function runN8ns(sandbox) {
	const instances = [];
	try {
		for (let p = 0; p < PROCESSES; p++) {
			const n8n = await startN8n({ quiet: true, packageDir: PACKAGE_DIR, env: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' } });
			instances.push(n8n);
			const credentials = await createCredentials(n8n, sandbox, { optimoveApi: { restRateLimit: SHARE } });
			const items = Math.ceil(CALLS / EXECUTIONS);
			const id = await n8n.createWorkflow({
				name: 'bench shared key',
				nodes: [
					node('Manual Trigger', 'n8n-nodes-base.manualTrigger', {}),
					node('Items', 'n8n-nodes-base.code', { jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { i } }));` }, { typeVersion: 2 }),
					node('Optimove', OPTIMOVE, { resource: 'account', operation: 'getLastDataUpdate' }, { credential: credentials.optimoveApi, extra: { onError: 'continueRegularOutput' } }),
				],
				connections: chain('Manual Trigger', 'Items', 'Optimove'),
			});
			instances[p].workflowId = id;
		}
		return await Promise.all(
			instances.map(async (n8n) => {
				const ids = await Promise.all(Array.from({ length: EXECUTIONS }, () => n8n.run(n8n.workflowId, { trigger: 'Manual Trigger' })));
				const executions = await Promise.all(ids.map((id) => n8n.waitForExecution(id, { timeoutMs: 30 * 60_000 })));
				const out = executions.flatMap((e) => e.data.resultData.runData.Optimove?.[0]?.data?.main?.[0] ?? []);
				const lost = out.filter((item) => item.json.error !== undefined);
				// Timed from the Optimove node's own run: n8n's start-up of the execution is not the transport's.
				const runs = executions.map((e) => e.data.resultData.runData.Optimove[0]);
				return {
					started: Math.min(...runs.map((r) => r.startTime)),
					finished: Math.max(...runs.map((r) => r.startTime + r.executionTime)),
					lost: lost.length + (EXECUTIONS * Math.ceil(CALLS / EXECUTIONS) - out.length),
					errors: [...new Set(lost.map((item) => item.json.error))],
				};
			}),
		);
	} finally {
		for (const n8n of instances) await n8n.stop();
	}
}

const sandbox = await startSandbox({ port: 0, log: false });
const rows = [];
try {
	for (const mode of MODES) {
		const row = await measured(sandbox, mode === 'n8n' ? 'real n8n instances' : 'node processes', () => (mode === 'n8n' ? runN8ns(sandbox) : runProcesses(sandbox)));
		rows.push(row);
		console.log(table([row]));
	}
} finally {
	await sandbox.close();
}
console.log(`\n${table(rows)}\n`);
console.log(
	'calls = processes × calls each (one REST call per item); 429s = answers over the 50 / 10 s window at the sandbox; lost = items that failed for good; ' +
		'floorSeconds = calls ÷ 50 per 10 s; ratio = seconds ÷ floor, seconds from the first call started to the last answered in any process.',
);
console.log(`written ${writeResult(args.out, { packageDir: path.relative(path.resolve(here, '..'), PACKAGE_DIR) || '.', rows })}`);
