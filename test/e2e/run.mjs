#!/usr/bin/env node
// The end-to-end entry (`node test/e2e/run.mjs`, after `npm run build`): ONE sandbox and ONE real
// n8n for every suite in test/e2e/suites/*.mjs, run through node:test in one process
// (test/e2e/e2e.test.mjs). Prints timings, then exactly one line "E2E: N passed, N failed", and exits
// non-zero on any failure.
//
//   --queue                         the queue-mode leg instead: main + webhook processor + 2 workers on
//                                   the local PostgreSQL and Redis, suites of test/e2e/queue/; ends with
//                                   "E2E queue: N passed, N failed". Without PostgreSQL or Redis it prints
//                                   one line saying so and passes, except with CI set (a failure there).
//
//   --n8n1                          the n8n 1.x leg: the core suites (N8N1_SUITES below) on the last n8n
//                                   1.x (1.123.81, on the host's Node 20); ends with
//                                   "E2E n8n 1.x: N passed, N failed". N8N_VERSION=<1.x version> picks
//                                   another 1.x (cache it with OPTIMOVE_N8N_CACHE).
//
//   E2E_SUITES=foundation,trigger   only these suite files (names without .mjs)
//   E2E_VERBOSE=1                   echo n8n's output
//   E2E_TIMEOUT_MS=2400000          whole-run limit (default 40 min)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../../scripts/lib/args.mjs';
import { reportCounts } from '../../scripts/lib/counts.mjs';
import { runTee } from '../../scripts/lib/spawn.mjs';
import { N8N_VERSIONS } from '../../tools/n8n/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = Date.now();
const { queue, n8n1 } = parseCli(
	{ queue: { type: 'boolean', default: false }, n8n1: { type: 'boolean', default: false } },
	{ usage: 'Usage: node test/e2e/run.mjs [--queue | --n8n1]   (E2E_SUITES=a,b for some suites; see the top of test/e2e/run.mjs)' },
);
/**
 * What the 1.x leg runs: loading and credentials (foundation), listener lifecycle incl. a foreign
 * slot and triggered notifications signed, forged and tampered (trigger, trigger-lifecycle),
 * scheduled approval (scheduled), events, bad input at a published trigger (drills-bad-input).
 */
const N8N1_SUITES = 'foundation,trigger,trigger-lifecycle,scheduled,events,drills-bad-input';
if (queue && n8n1) {
	console.error('--queue and --n8n1 together are not a leg of their own: queue mode runs on n8n 2.x');
	process.exit(2);
}
const label = queue ? 'E2E queue' : n8n1 ? 'E2E n8n 1.x' : 'E2E';
const legEnv = n8n1 ? { N8N_VERSION: process.env.N8N_VERSION?.startsWith('1.') ? process.env.N8N_VERSION : N8N_VERSIONS[1], E2E_SUITES: process.env.E2E_SUITES || N8N1_SUITES } : {};
if (queue) {
	const { queueServicesReachable } = await import('../../tools/n8n/queue.mjs');
	const services = await queueServicesReachable();
	if (!services.ok) {
		const ci = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI);
		// One line either way; CI must run the leg, a contributor's machine may lack the services.
		console.log(`${label}: 0 passed, ${ci ? 1 : 0} failed (${ci ? 'FAILED, CI must run it' : 'skipped'}: PostgreSQL and Redis are needed; ${services.reason})`);
		reportCounts({ passed: 0, failed: ci ? 1 : 0, skippedReason: `PostgreSQL and Redis are needed; ${services.reason}` });
		process.exit(ci ? 1 : 0);
	}
}
const scratch = mkdtempSync(path.join(os.tmpdir(), 'optimove-e2e-run-'));
const timingsFile = path.join(scratch, 'timings.json');
const countsFile = path.join(scratch, 'counts.json');

// The test file runs directly (not under `node --test`): one process holds n8n, the sandbox and
// every test; the spec reporter prints the results, scripts/lib/counts-reporter.mjs counts them.
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${path.join(here, '../../scripts/lib/counts-reporter.mjs')}`, `--test-reporter-destination=${countsFile}`];
let child;
const finished = runTee(process.execPath, [...reporters, path.join(here, 'e2e.test.mjs')], {
	env: { ...legEnv, E2E_TIMINGS_FILE: timingsFile, ...(queue ? { E2E_QUEUE: '1' } : {}) },
	collect: false,
	onChild: (c) => (child = c),
});

// Ctrl-C reaches the child too (same process group); a SIGTERM sent to this process alone is passed
// on. Either way the child stops its n8n and we still print the summary.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		interrupted = true;
		if (signal !== 'SIGINT') child.kill(signal);
	});
}
const limitMs = Number(process.env.E2E_TIMEOUT_MS || 40 * 60_000);
const limit = setTimeout(() => {
	interrupted = true;
	console.error(`${label}: whole-run limit of ${limitMs} ms reached, stopping`);
	child.kill('SIGTERM');
	setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
}, limitMs);
limit.unref();

finished.then(({ code, signal }) => {
	clearTimeout(limit);
	const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : { passed: 0, failed: 0 };
	const passed = counts.passed;
	let failed = counts.failed;
	if ((code !== 0 || signal || interrupted) && failed === 0) failed = 1;

	if (existsSync(timingsFile)) {
		const timings = JSON.parse(readFileSync(timingsFile, 'utf8'));
		console.log(`\n${label} timings:`);
		for (const [what, seconds] of timings) console.log(`  ${what.padEnd(36)} ${seconds.toFixed(1).padStart(7)} s`);
	}
	rmSync(scratch, { recursive: true, force: true });
	console.log(`  ${'total'.padEnd(36)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
	console.log(`${label}: ${passed} passed, ${failed} failed`);
	reportCounts({ passed, failed });
	process.exit(failed === 0 ? 0 : 1);
});
