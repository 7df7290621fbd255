// How scripts/scan.mjs reads the scanner's results (the scan itself runs as the `scan` step of
// `npm test`, with n8n's scanner installed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeLeg } from '../../scripts/lib/scanner.mjs';

const RULE = '@n8n/community-nodes/no-restricted-globals';
const clean = { name: 'tarball', dir: '/tmp/pkg', patterns: ['**/*.js', 'package.json'], expect: 'pass' };
const canary = { name: 'canary', dir: '/tmp/canary', patterns: ['**/*.js'], expect: 'fail', rule: RULE, seeded: 'process.env in dist/x.js' };
const violation = { passed: false, message: 'ESLint violations found', details: `/tmp/canary/dist/x.js\n  1:33  error  Use of restricted global 'process' is not allowed  ${RULE}` };

describe('scan legs (scripts/lib/scanner.mjs judgeLeg)', () => {
	it('passes a clean leg and says how many files it looked at', () => {
		assert.deepEqual(judgeLeg(clean, { passed: true, files: 12 }), { name: 'tarball', ok: true, detail: '12 files' });
	});

	it('fails a leg with violations and shows them', () => {
		const verdict = judgeLeg(clean, violation);
		assert.equal(verdict.ok, false);
		assert.match(verdict.detail, /^ESLint violations found\n.*Use of restricted global 'process'/s);
	});

	it('fails a leg where the scanner found no files (it would pass, having checked nothing)', () => {
		const verdict = judgeLeg(clean, { passed: true, message: 'No files found to analyze', files: 0 });
		assert.equal(verdict.ok, false);
		assert.match(verdict.detail, /no files matched \["\*\*\/\*\.js","package\.json"\] in \/tmp\/pkg/);
	});

	it('passes the canary only when the scanner reports the seeded rule', () => {
		assert.deepEqual(judgeLeg(canary, violation), { name: 'canary', ok: true, detail: `${RULE} reported` });
		const missed = judgeLeg(canary, { passed: true, files: 12 });
		assert.equal(missed.ok, false);
		assert.match(missed.detail, /found nothing in a copy seeded with process\.env in dist\/x\.js/);
		const otherFailure = judgeLeg(canary, { passed: false, message: 'Analysis failed: parser missing' });
		assert.equal(otherFailure.ok, false);
		assert.match(otherFailure.detail, /failed without naming .*no-restricted-globals: Analysis failed: parser missing/);
	});

	it('fails a leg whose analysis threw', () => {
		assert.deepEqual(judgeLeg(clean, { error: 'Error: boom' }), { name: 'tarball', ok: false, detail: 'Error: boom' });
	});
});
