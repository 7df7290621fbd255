// One n8n and one sandbox for every suite (started by test/e2e/run.mjs); with E2E_QUEUE=1
// (`run.mjs --queue`) one n8n in queue mode instead (tools/n8n/queue.mjs: main, webhook
// processor, two workers; `ctx.n8n` is main, `ctx.queue` the whole cluster) and the suites of
// test/e2e/queue/. Each file in suites/ exports `register(ctx)` and defines its describe blocks; it reads `ctx.n8n` (tools/n8n/index.mjs),
// `ctx.sandbox` (tools/sandbox/server.mjs) and `ctx.credentials` (tools/n8n/fixtures.mjs) inside its
// hooks and tests, never at register time: they exist once the root `before` has run.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '../../tools/sandbox/server.mjs';
import { SANDBOX_API_KEY, createCredentials } from '../../tools/n8n/fixtures.mjs';
import { ensureN8nInstalled, packTarball, startN8n } from '../../tools/n8n/index.mjs';
import { startQueueCluster } from '../../tools/n8n/queue.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ctx = {};
const timings = [];
const seconds = (since) => (Date.now() - since) / 1000;
const only = process.env.E2E_SUITES ? process.env.E2E_SUITES.split(',').map((s) => s.trim()) : undefined;
// E2E_SUITES_DIR: another folder of suites (scripts/drills.mjs runs test/drills/ this way).
const queueMode = process.env.E2E_QUEUE === '1';
const suitesDir = process.env.E2E_SUITES_DIR ? path.resolve(process.env.E2E_SUITES_DIR) : path.join(here, queueMode ? 'queue' : 'suites');
/**
 * Queue mode: a SIGKILLed worker's job is declared stalled once its lock has expired and a stalled
 * check has run (n8n's defaults: 60 s lock, 30 s interval, then 30 s of re-checks before the
 * execution is marked failed: about 2 minutes). Shorter here so the worker-crash suite stays bounded;
 * the lock is still renewed every 3 s, far more often than any node here blocks a worker.
 */
const QUEUE_ENV = { QUEUE_WORKER_LOCK_DURATION: '15000', QUEUE_WORKER_LOCK_RENEW_TIME: '3000', QUEUE_WORKER_STALLED_INTERVAL: '5000' };
const suiteFiles = readdirSync(suitesDir)
	.filter((f) => f.endsWith('.mjs'))
	.filter((f) => !only || only.includes(path.basename(f, '.mjs')))
	.sort();
const loaded = await Promise.all(
	suiteFiles.map(async (f) => ({ name: path.basename(f, '.mjs'), module: await import(pathToFileURL(path.join(suitesDir, f)).href) })),
);
// A suite exporting `runLast = true` (e.g. the secrets drill, which inspects what every other suite left) runs after the rest.
const suites = [...loaded.filter((s) => !s.module.runLast), ...loaded.filter((s) => s.module.runLast)];

describe('n8n-nodes-optimove end to end', () => {
	before(async () => {
		let t = Date.now();
		const install = await ensureN8nInstalled({ quiet: !process.env.E2E_VERBOSE });
		timings.push(['n8n install check', seconds(t)]);
		t = Date.now();
		// a distinctive data date, so an output carrying it can only come from the sandbox
		ctx.sandbox = await startSandbox({ port: 0, apiKey: SANDBOX_API_KEY, lastDataUpdate: '2024-02-29', log: false });
		if (queueMode) {
			ctx.queue = await startQueueCluster({ quiet: !process.env.E2E_VERBOSE, workers: 2, env: QUEUE_ENV });
			ctx.n8n = ctx.queue.main;
			timings.push([`n8n ${ctx.n8n.n8nVersion} main boot (queue mode)`, ctx.queue.seconds.main]);
			timings.push(['webhook processor + 2 workers ready', ctx.queue.seconds.total - ctx.queue.seconds.main]);
		} else {
			// The package goes in as README tells users: `npm install --omit=peer <package>` in
			// .n8n/nodes, here from the tarball `npm pack` makes of this build.
			const packed = Date.now();
			ctx.scratch = mkdtempSync(path.join(os.tmpdir(), 'optimove-e2e-pack-'));
			const tarball = packTarball(ctx.scratch);
			timings.push(['npm pack', seconds(packed)]);
			ctx.n8n = await startN8n({ quiet: !process.env.E2E_VERBOSE, install, tarball });
			timings.push(['npm install --omit=peer <tarball>', ctx.n8n.packageSeconds]);
			timings.push([`n8n ${ctx.n8n.n8nVersion} boot (to readiness)`, ctx.n8n.bootSeconds]);
		}
		ctx.credentials = await createCredentials(ctx.n8n, ctx.sandbox);
		timings.push(['sandbox + n8n ready with credentials', seconds(t)]);
		ctx.install = install;
	});
	after(async () => {
		const t = Date.now();
		if (ctx.queue) await ctx.queue.stop();
		else await ctx.n8n?.stop();
		await ctx.sandbox?.close();
		if (ctx.scratch) rmSync(ctx.scratch, { recursive: true, force: true });
		timings.push(['n8n stop', seconds(t)]);
		if (process.env.E2E_TIMINGS_FILE) writeFileSync(process.env.E2E_TIMINGS_FILE, JSON.stringify(timings));
	});
	for (const { name, module } of suites) {
		// A wrapper per suite file, only to time it.
		describe(`suite ${name}`, () => {
			let t;
			before(() => (t = Date.now()));
			after(() => timings.push([`suite ${name}`, seconds(t)]));
			module.register(ctx);
		});
	}
});
