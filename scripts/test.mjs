#!/usr/bin/env node
// `npm test`: the whole suite from a fresh clone. Installs what is missing, then lint, typecheck,
// unit tests, sandbox tests, build, package-load check, the real-n8n end-to-end tests, the
// n8n 1.x leg (the core suites on n8n 1.123.81) and the queue-mode leg (main + webhook processor +
// 2 workers on the local PostgreSQL and Redis).
// Closes with one line: "N passed, N failed".
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { N8N_VERSIONS } from '../test/e2e/lib/n8n.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0 };
const timings = [];

function run(command, args, { capture = false, env = {} } = {}) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
		let output = '';
		if (capture) {
			child.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
			child.stderr.on('data', (d) => { output += d; process.stderr.write(d); });
		}
		child.on('close', (code) => resolve({ code: code ?? 1, output }));
	});
}

function count(output, patterns) {
	for (const [pass, fail] of patterns) {
		const p = output.match(pass);
		if (p) {
			const f = output.match(fail);
			return { passed: Number(p[p.length - 1]), failed: f ? Number(f[f.length - 1]) : 0 };
		}
	}
	return undefined;
}

async function step(name, command, args, { counts, env } = {}) {
	if (only.length && !only.includes(name)) return;
	console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
	const started = Date.now();
	const { code, output } = await run(command, args, { capture: Boolean(counts), env });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	let tally = counts ? count(output, counts) : undefined;
	if (!tally) tally = code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
	if (code !== 0 && tally.failed === 0) tally.failed = 1;
	totals.passed += tally.passed;
	totals.failed += tally.failed;
	const skipped = / \(skipped: /.test(output) ? '  (skipped)' : '';
	timings.push(`${name.padEnd(10)} ${seconds.padStart(7)} s  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}  ${tally.passed} passed, ${tally.failed} failed${skipped}`);
}

function needsInstall() {
	const marker = path.join(root, 'node_modules', '.package-lock.json');
	if (!existsSync(marker)) return true;
	return statSync(path.join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

/**
 * Installs n8n 1.x for the n8n1 leg in the background from the start (a no-op when cached): a cold
 * install is minutes of mostly download, which the steps before the leg hide. The leg waits for it
 * (scripts/install-n8n.sh locks per version) and, should it have failed, installs again itself.
 */
function prefetchN8n1() {
	const log = path.join(os.tmpdir(), `optimove-n8n1-install-${process.pid}.log`);
	const out = createWriteStream(log);
	const since = Date.now();
	const child = spawn('bash', [path.join(root, 'scripts/install-n8n.sh')], { cwd: root, env: { ...process.env, N8N_VERSION: N8N_VERSIONS[1] }, stdio: ['ignore', 'ignore', 'pipe'] });
	child.stderr.pipe(out);
	return new Promise((resolve) => child.on('close', (code) => resolve({ code, seconds: (Date.now() - since) / 1000, log })));
}

const started = Date.now();
const n8n1Install = !only.length || only.includes('n8n1') ? prefetchN8n1() : undefined;
if (needsInstall()) {
	// --ignore-scripts: n8n-workflow's isolated-vm would need a native build for Node 24 it never uses here.
	// `npm install`, not `npm ci`: npm 11 leaves other platforms' optional bindings out of the lock, which ci refuses.
	await step('install', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund']);
}
await step('lint', 'npx', ['n8n-node', 'lint']);
await step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.test.json', '--noEmit']);
await step('unit', 'npx', ['jest', '--ci'], { counts: [[/Tests:\s+(?:\d+ failed, )?(?:\d+ skipped, )?(\d+) passed/, /Tests:\s+(\d+) failed/]] });
const nodeTests = (folder) => readdirSync(path.join(root, folder)).filter((f) => f.endsWith('.test.mjs')).map((f) => `${folder}/${f}`);
const nodeTestCounts = [[/ℹ pass (\d+)/, /ℹ fail (\d+)/]];
await step('sandbox', process.execPath, ['--test', '--test-reporter=spec', ...nodeTests('test/sandbox')], { counts: nodeTestCounts });
await step('scripts', process.execPath, ['--test', '--test-reporter=spec', ...nodeTests('test/scripts')], { counts: nodeTestCounts });
if (!only.length || only.includes('build')) rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await step('build', 'npm', ['run', 'build']);
await step('package', process.execPath, ['scripts/verify-package.mjs'], { counts: [[/Package check: (\d+) passed/, /Package check: \d+ passed, (\d+) failed/]] });
await step('e2e', process.execPath, ['test/e2e/run.mjs'], { counts: [[/E2E: (\d+) passed/, /E2E: \d+ passed, (\d+) failed/]] });
if (n8n1Install) {
	const { code, seconds, log } = await n8n1Install;
	const outcome = code ? `FAILED (exit ${code}, ${log}); the n8n1 leg installs again` : 'ok';
	timings.push(`${'n8n1 inst.'.padEnd(10)} ${seconds.toFixed(1).padStart(7)} s  ${outcome}  (n8n 1.x install, in the background from the start)`);
	if (!code) rmSync(log, { force: true });
}
await step('n8n1', process.execPath, ['test/e2e/run.mjs', '--n8n1'], { counts: [[/E2E n8n 1\.x: (\d+) passed/, /E2E n8n 1\.x: \d+ passed, (\d+) failed/]] });
// Skipped (one line, 0 passed) without PostgreSQL or Redis, except under CI, where that fails.
await step('queue', process.execPath, ['test/e2e/run.mjs', '--queue'], { counts: [[/E2E queue: (\d+) passed/, /E2E queue: \d+ passed, (\d+) failed/]] });

console.log('\n=== summary');
for (const line of timings) console.log(line);
console.log(`total      ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
