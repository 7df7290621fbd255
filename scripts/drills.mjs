#!/usr/bin/env node
// `npm run drills`: the failure drills of issue 7 against a real n8n (2.41.1) and the Optimove
// sandbox, through the e2e runner (test/e2e/run.mjs). Two runs, each with its own n8n and sandbox:
//   1. the long drills in test/drills/ (lifecycle churn with SIGKILLs, faults at a larger size);
//   2. the CI drills in test/e2e/suites/drills-*.mjs (bad input, deadlines, faults, secrets last).
// Prints a table (drill, result, tests, seconds, figures) and exits non-zero on any failure.
//
//   node scripts/drills.mjs [--long-only | --ci-only] [--no-build]
//   DRILL_CHURN_CYCLES=50   publish/unpublish cycles of the churn drill
//   DRILL_FAULTS_SCALE=1    size multiplier of the large faults drill
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/args.mjs';
import { runTee } from './lib/spawn.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'Usage: node scripts/drills.mjs [--long-only | --ci-only] [--no-build]';
const args = parseCli({ 'long-only': { type: 'boolean' }, 'ci-only': { type: 'boolean' }, build: { type: 'boolean', default: true } }, { usage: USAGE });
if (args['long-only'] && args['ci-only']) {
	console.error(`--long-only and --ci-only exclude each other\n\n${USAGE}`);
	process.exit(2);
}
const started = Date.now();

const run = (command, commandArgs, env = {}) => runTee(command, commandArgs, { cwd: root, env });

/** Per suite: passed/failed tests, seconds, and the "# drill …" figure lines it printed. */
function parse(output, suites) {
	const rows = [];
	const lines = output.split('\n');
	for (const suite of suites) {
		const start = lines.findIndex((l) => l.trim() === `▶ suite ${suite}`);
		let passed = 0;
		let failed = 0;
		const figures = [];
		if (start !== -1) {
			for (let i = start + 1; i < lines.length; i++) {
				const line = lines[i];
				if (/^\s*[✔✖] suite /.test(line)) break;
				// Test lines are nested deeper than their describe block's closing line.
				if (/^\s{6,}✔ /.test(line)) passed++;
				else if (/^\s{6,}✖ /.test(line)) failed++;
				const figure = line.match(/^# drill (.*)$/);
				if (figure) figures.push(figure[1]);
			}
		}
		const seconds = Number(output.match(new RegExp(`suite ${suite}\\s+([\\d.]+) s`))?.[1] ?? NaN);
		rows.push({ suite, passed, failed: start === -1 ? 1 : failed, seconds, figures });
	}
	return rows;
}

function needsInstall() {
	const marker = path.join(root, 'node_modules', '.package-lock.json');
	return !existsSync(marker) || statSync(path.join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

if (args.build) {
	if (needsInstall()) {
		const install = await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund']);
		if (install.code !== 0) process.exit(1);
	}
	const build = await run('npm', ['run', 'build']);
	if (build.code !== 0) process.exit(1);
}

const runs = [];
if (!args['ci-only']) {
	const dir = path.join(root, 'test/drills');
	runs.push({ what: 'long drills (test/drills)', env: { E2E_SUITES_DIR: dir }, suites: readdirSync(dir).filter((f) => f.endsWith('.mjs')).map((f) => path.basename(f, '.mjs')) });
}
if (!args['long-only']) {
	const dir = path.join(root, 'test/e2e/suites');
	const suites = readdirSync(dir)
		.filter((f) => /^drills-.*\.mjs$/.test(f))
		.map((f) => path.basename(f, '.mjs'));
	runs.push({ what: 'CI drills (test/e2e/suites/drills-*)', env: { E2E_SUITES: suites.join(',') }, suites });
}

const rows = [];
let failedRuns = 0;
for (const r of runs) {
	console.log(`\n=== ${r.what}`);
	const { code, output } = await run(process.execPath, [path.join(root, 'test/e2e/run.mjs')], { E2E_TIMEOUT_MS: String(90 * 60_000), ...r.env });
	if (code !== 0) failedRuns++;
	rows.push(...parse(output, r.suites));
}

console.log('\n=== drills');
console.log(`${'drill'.padEnd(18)} ${'result'.padEnd(6)} ${'tests'.padStart(9)} ${'seconds'.padStart(8)}  figures`);
for (const row of rows) {
	const result = row.failed === 0 && row.passed > 0 ? 'pass' : 'FAIL';
	const tests = `${row.passed}/${row.passed + row.failed}`;
	const seconds = Number.isFinite(row.seconds) ? row.seconds.toFixed(1) : '-';
	const [first = '', ...rest] = row.figures;
	console.log(`${row.suite.padEnd(18)} ${result.padEnd(6)} ${tests.padStart(9)} ${seconds.padStart(8)}  ${first}`);
	for (const more of rest) console.log(`${''.padEnd(45)}${more}`);
}
const failed = rows.filter((r) => r.failed > 0 || r.passed === 0).length + (rows.length === 0 ? 1 : 0);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`Drills: ${rows.length - failed} passed, ${failed} failed${failedRuns ? ` (${failedRuns} run(s) exited non-zero)` : ''}`);
process.exit(failed || failedRuns ? 1 : 0);
