#!/usr/bin/env node
// Runs the end-to-end suites (test/e2e/suites/*.mjs) against ONE real n8n and ONE sandbox, through
// node:test, and closes with "E2E: N passed, N failed". Build the package first (npm run build).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', path.join(here, 'e2e.test.mjs')], {
	stdio: ['ignore', 'pipe', 'inherit'],
	env: process.env,
});
let output = '';
child.stdout.on('data', (chunk) => {
	output += chunk;
	process.stdout.write(chunk);
});
child.on('close', (code) => {
	const passed = Number(output.match(/ℹ pass (\d+)/)?.[1] ?? 0);
	const failed = Number(output.match(/ℹ fail (\d+)/)?.[1] ?? (code === 0 ? 0 : 1)) + Number(output.match(/ℹ cancelled (\d+)/)?.[1] ?? 0);
	console.log(`E2E: ${passed} passed, ${failed || (code === 0 ? 0 : 1)} failed`);
	process.exit(code === 0 && failed === 0 ? 0 : 1);
});
