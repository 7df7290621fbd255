// One n8n and one sandbox for every suite: each suite exports `register(ctx)` and reads
// `ctx.n8n`, `ctx.sandbox` and `ctx.credentials` inside its hooks and tests.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '../../sandbox/server.mjs';
import { startN8n } from './lib/n8n.mjs';
import { createCredentials } from './lib/fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ctx = {};
const only = process.env.E2E_SUITES ? process.env.E2E_SUITES.split(',') : undefined;
const suiteFiles = readdirSync(path.join(here, 'suites'))
	.filter((f) => f.endsWith('.mjs'))
	.filter((f) => !only || only.includes(path.basename(f, '.mjs')))
	.sort();
const suites = await Promise.all(suiteFiles.map((f) => import(pathToFileURL(path.join(here, 'suites', f)).href)));

describe('n8n-nodes-optimove end to end', () => {
	before(async () => {
		const t0 = Date.now();
		ctx.sandbox = await startSandbox({ port: 0, log: false });
		ctx.n8n = await startN8n({ quiet: !process.env.E2E_VERBOSE });
		ctx.credentials = await createCredentials(ctx.n8n, ctx.sandbox);
		console.log(`# n8n install check ${ctx.n8n.installSeconds.toFixed(1)} s, boot ${ctx.n8n.bootSeconds.toFixed(1)} s, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	});
	after(async () => {
		await ctx.n8n?.stop();
		await ctx.sandbox?.close();
	});
	for (const suite of suites) suite.register(ctx);
});
