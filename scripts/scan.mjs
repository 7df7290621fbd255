#!/usr/bin/env node
// n8n's verification scan, run locally before publishing (a step of `npm test`, after `build`):
// the ESLint analysis of @n8n/scan-community-package on the packed tarball (what npm would ship)
// and on the source (what the provenance attestation points n8n at), on Node 24 from the cache.
// A third leg is a canary: a copy of the tarball with `process.env` seeded into a node must fail
// on no-restricted-globals, so a scanner that silently looks at nothing cannot pass.
// N8N_SCANNER_VERSION=latest runs n8n's newest scanner instead of the pinned one.
// Closes with one line: "Scan: N passed, N failed".
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureN8nInstalled, packTarball, ROOT } from '../tools/n8n/index.mjs';
import { SCANNER_PACKAGE, SOURCE_PATTERNS, TARBALL_PATTERNS, ensureScanner, judgeLeg } from './lib/scanner.mjs';
import { reportCounts } from './lib/counts.mjs';

const SEEDED_RULE = '@n8n/community-nodes/no-restricted-globals';
const SEED = '\nmodule.exports.seededByScanCheck = () => process.env.SEEDED_BY_SCAN_CHECK;\n';

function runScanner(node24Bin, entry, legs) {
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(node24Bin, 'node'), [path.join(ROOT, 'scripts/lib/scan-runner.mjs'), entry, JSON.stringify(legs)], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.on('close', (code) => {
			const line = out.split('\n').find((l) => l.startsWith('SCAN_RESULTS '));
			if (!line) return reject(new Error(`the scanner printed no results (exit ${code}):\n${out.slice(-2000)}`));
			resolve(JSON.parse(line.slice('SCAN_RESULTS '.length)));
		});
	});
}

const work = mkdtempSync(path.join(os.tmpdir(), 'optimove-scan-'));
let passed = 0;
let failed = 0;
try {
	const { nodeBin: node24Bin } = await ensureN8nInstalled({ quiet: true });
	const { entry, version } = ensureScanner({ node24Bin, log: (line) => console.error(`[scan] ${line}`) });

	const tarball = packTarball(work);
	const unpacked = path.join(work, 'tarball');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);

	const canary = path.join(work, 'canary');
	cpSync(unpacked, canary, { recursive: true });
	const pkg = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	const seededFile = pkg.n8n.nodes[0];
	appendFileSync(path.join(canary, seededFile), SEED);

	const legs = [
		{ name: `tarball ${path.basename(tarball)}`, dir: unpacked, patterns: TARBALL_PATTERNS, expect: 'pass' },
		{ name: 'source (nodes/, credentials/, package.json)', dir: ROOT, patterns: SOURCE_PATTERNS, expect: 'pass' },
		{ name: 'canary: seeded violation is caught', dir: canary, patterns: TARBALL_PATTERNS, expect: 'fail', rule: SEEDED_RULE, seeded: `process.env in ${seededFile}` },
	];
	const results = await runScanner(node24Bin, entry, legs.map(({ name, dir, patterns }) => ({ name, dir, patterns })));
	console.log(`${SCANNER_PACKAGE}@${version} on Node 24`);
	legs.forEach((leg, i) => {
		const verdict = judgeLeg(leg, results[i]);
		if (verdict.ok) passed++;
		else failed++;
		console.log(verdict.ok ? `ok   ${verdict.name} (${verdict.detail})` : `FAIL ${verdict.name}: ${verdict.detail}`);
	});
} catch (error) {
	failed++;
	console.log(`FAIL scan could not run: ${error.message}`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
console.log(`Scan: ${passed} passed, ${failed} failed`);
reportCounts({ passed, failed });
process.exit(failed ? 1 : 0);
