#!/usr/bin/env node
// `npm test`: the whole suite from a fresh clone. Installs what is missing, then lint, typecheck,
// unit tests, sandbox tests, build, package-load check, n8n's verification scanner, the real-n8n
// end-to-end tests, the n8n 1.x leg (the core suites on n8n 1.123.81) and the queue-mode leg
// (main + webhook processor + 2 workers on the local PostgreSQL and Redis).
// Closes with a timing table and one line: "N passed, N failed". The counts come from each tool's
// machine-readable output (jest --json; node:test through scripts/lib/counts-reporter.mjs; our own
// scripts write TEST_COUNTS_FILE), not from its human-readable lines.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/args.mjs';
import { runTee } from './lib/spawn.mjs';
import { N8N_VERSIONS } from '../tools/n8n/index.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { _: only } = parseCli({}, { positionals: true, usage: 'Usage: node scripts/test.mjs [step…]   (default: every step; the steps are listed in the summary)' });
const ran = new Set();
const totals = { passed: 0, failed: 0 };
const timings = [];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'optimove-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Where a step's counts land: an argument equal to COUNTS_FILE is replaced by the step's own file,
 * which is also in the child's environment as TEST_COUNTS_FILE. The file holds jest's --json
 * output (`counts: 'jest'`) or {"passed":N,"failed":N,"skipped":N} (`counts: 'file'`), written by
 * scripts/lib/counts-reporter.mjs for node:test, by scripts/verify-package.mjs, scripts/scan.mjs
 * and test/e2e/run.mjs.
 */
const COUNTS_FILE = '<counts-file>';
const READ_COUNTS = {
	jest: (json) => ({ passed: json.numPassedTests, failed: json.numFailedTests + json.numRuntimeErrorTestSuites, skipped: json.numPendingTests }),
	file: (json) => json,
};

function readCounts(file, counts) {
	if (!existsSync(file)) return undefined;
	try {
		return READ_COUNTS[counts](JSON.parse(readFileSync(file, 'utf8')));
	} catch {
		return undefined;
	}
}

/**
 * Runs one step unless steps were named and this is not one of them. `counts`: 'jest' | 'file'
 * (see COUNTS_FILE); without counts the step is 1 passed or 1 failed by its exit code.
 */
async function step(name, command, args, { counts, env } = {}) {
	ran.add(name);
	if (only.length && !only.includes(name)) return;
	const file = path.join(scratch, `${name}.json`);
	const argv = args.map((a) => (a === COUNTS_FILE ? file : a.replace(COUNTS_FILE, file)));
	console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
	const started = Date.now();
	const { code } = await runTee(command, argv, { cwd: root, env: { ...env, TEST_COUNTS_FILE: file }, collect: false });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	let tally = counts ? readCounts(file, counts) : undefined;
	if (!tally) tally = code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
	if (code !== 0 && tally.failed === 0) tally = { ...tally, failed: 1 };
	totals.passed += tally.passed;
	totals.failed += tally.failed;
	const skipped = tally.skippedReason ? '  (skipped)' : '';
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
} else ran.add('install');
await step('lint', 'npx', ['n8n-node', 'lint']);
await step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.test.json', '--noEmit']);
await step('unit', 'npx', ['jest', '--ci', '--json', `--outputFile=${COUNTS_FILE}`], { counts: 'jest' });
const nodeTests = (folder) => readdirSync(path.join(root, folder)).filter((f) => f.endsWith('.test.mjs')).map((f) => `${folder}/${f}`);
const nodeTestReporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/lib/counts-reporter.mjs', `--test-reporter-destination=${COUNTS_FILE}`];
await step('sandbox', process.execPath, ['--test', ...nodeTestReporters, ...nodeTests('test/sandbox')], { counts: 'file' });
await step('scripts', process.execPath, ['--test', ...nodeTestReporters, ...nodeTests('test/scripts')], { counts: 'file' });
if (!only.length || only.includes('build')) rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await step('build', 'npm', ['run', 'build']);
await step('package', process.execPath, ['scripts/verify-package.mjs'], { counts: 'file' });
await step('scan', process.execPath, ['scripts/scan.mjs'], { counts: 'file' });
await step('e2e', process.execPath, ['test/e2e/run.mjs'], { counts: 'file' });
if (n8n1Install) {
	const { code, seconds, log } = await n8n1Install;
	const outcome = code ? `FAILED (exit ${code}, ${log}); the n8n1 leg installs again` : 'ok';
	timings.push(`${'n8n1 inst.'.padEnd(10)} ${seconds.toFixed(1).padStart(7)} s  ${outcome}  (n8n 1.x install, in the background from the start)`);
	if (!code) rmSync(log, { force: true });
}
await step('n8n1', process.execPath, ['test/e2e/run.mjs', '--n8n1'], { counts: 'file' });
// Skipped (one line, 0 passed) without PostgreSQL or Redis, except under CI, where that fails.
await step('queue', process.execPath, ['test/e2e/run.mjs', '--queue'], { counts: 'file' });

const unknown = only.filter((name) => !ran.has(name));
if (unknown.length) {
	timings.push(`unknown step(s) ${unknown.join(', ')}: the steps are ${[...ran].join(' ')}`);
	totals.failed += unknown.length;
}
console.log('\n=== summary');
for (const line of timings) console.log(line);
console.log(`total      ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
