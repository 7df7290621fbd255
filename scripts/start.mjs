#!/usr/bin/env node
// `npm start`: builds the package, starts the local Optimove sandbox and a real n8n with the package
// installed, creates credentials pointing at the sandbox, imports (and, against the sandbox,
// publishes) the example workflows, then prints what to open and what to run. Ctrl-C stops all.
//
// Against a real Optimove account instead of the sandbox, set OPTIMOVE_BASE_URL and
// OPTIMOVE_API_KEY (and optionally OPTIMOVE_WEBHOOK_SECRET, OPTIMOVE_PROMOTIONS_URL,
// OPTIMOVE_EVENTS_URL, OPTIMOVE_TENANT_ID, OPTIMOVE_EVENTS_TOKEN). Example workflows are then
// imported but NOT published: publishing registers listeners in your tenant.
//
// Ports: N8N_PORT (default 5678), OPTIMOVE_SANDBOX_PORT (5680) and, with --queue, N8N_WEBHOOK_PORT
// (5688). A taken default is replaced by a free port and the output says so; a taken port you set
// stops the start.
//
// n8n runs with its own default publication (asynchronous: a publish answers at once, registers in
// the background and shows a failure as "Failed publish" in the editor), as users' n8n does.
//
// `npm start -- --queue`: the same demo with n8n in queue mode (main, one webhook processor, two
// workers) on the local PostgreSQL and Redis (tools/n8n/queue.mjs; a fresh database and Redis
// prefix, removed again by Ctrl-C).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { queue: queueMode } = parseCli({ queue: { type: 'boolean', default: false } }, { usage: 'Usage: npm start [-- --queue]   (ports: N8N_PORT, OPTIMOVE_SANDBOX_PORT, N8N_WEBHOOK_PORT)' });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
	console.log('Installing the project dependencies (npm install --ignore-scripts)…');
	run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund']);
}
console.log('Building the package…');
run('npm', ['run', 'build', '--silent']);

const { startN8n, freePort } = await import('../tools/n8n/index.mjs');
const { attachCredentials, createCredentials, readExamples } = await import('../tools/n8n/fixtures.mjs');
const { startSandbox } = await import('../tools/sandbox/server.mjs');
const { queueServicesReachable, startQueueCluster } = await import('../tools/n8n/queue.mjs');

/** The sandbox command(s) that fire each example workflow (run from another terminal). */
const FIRE = {
	'1-scheduled-conditional-execution.json': ['campaign --customers 1000 --clearance 2m --notify'],
	'2-triggered-conditional-execution.json': ['triggered --count 20'],
	'3-campaign-delivery.json': ['execute --channel 505 --customers 50', 'cancel'],
	'4-profile-sync.json': ['profile-sync --count 10'],
	'5-event-based-integration.json': ['events --rows 100 --invalid 3'],
	'6-optimizely-unsubscribe-to-optimove-opt-out.json': ['optimizely --unsubscribes 5 --bounces 2'],
};

const real = Boolean(process.env.OPTIMOVE_BASE_URL && process.env.OPTIMOVE_API_KEY);
const stoppers = [];
let stopping = false;
async function stopAll(code = 0) {
	if (stopping) return;
	stopping = true;
	console.log('\nStopping…');
	for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
	process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
	let sandbox;
	if (!real) {
		const port = await choosePort('OPTIMOVE_SANDBOX_PORT', 5680, 'the Optimove sandbox');
		sandbox = await startSandbox({ port, log: false });
		stoppers.push(() => sandbox.close());
	}
	const mainPort = await choosePort('N8N_PORT', 5678, 'n8n');
	let n8n;
	let cluster;
	if (queueMode) {
		const services = await queueServicesReachable();
		if (!services.ok) throw new Error(`--queue needs PostgreSQL and Redis; ${services.reason}`);
		console.log('Starting n8n in queue mode: main, then a webhook processor and two workers…');
		const webhookPort = await choosePort('N8N_WEBHOOK_PORT', 5688, "n8n's webhook processor");
		cluster = await startQueueCluster({ quiet: true, workers: 2, ports: { main: mainPort, webhook: webhookPort }, publication: 'default' });
		stoppers.push(() => cluster.stop());
		n8n = cluster.main;
	} else {
		n8n = await startN8n({ port: mainPort, quiet: true, publication: 'default' });
		stoppers.push(() => n8n.stop());
	}
	// Where production webhooks (and so the sandbox commands that post to n8n) arrive.
	const webhookBase = cluster ? cluster.webhook.baseUrl : n8n.baseUrl;

	const target = real
		? {
				url: process.env.OPTIMOVE_BASE_URL,
				getConfig: () => ({
					webhookSecret: process.env.OPTIMOVE_WEBHOOK_SECRET ?? '',
					tenantId: Number(process.env.OPTIMOVE_TENANT_ID ?? 0),
					eventsToken: process.env.OPTIMOVE_EVENTS_TOKEN ?? '',
				}),
			}
		: sandbox;
	const overrides = real
		? {
				optimoveApi: { apiKey: process.env.OPTIMOVE_API_KEY, promotionsBaseUrl: process.env.OPTIMOVE_PROMOTIONS_URL ?? '' },
				optimoveEventsApi: { endpointUrl: process.env.OPTIMOVE_EVENTS_URL ?? '' },
			}
		: {};
	const credentials = await createCredentials(n8n, target, overrides);

	const imported = [];
	for (const example of readExamples()) {
		const workflow = attachCredentials(example, credentials, real ? {} : { sandboxUrl: sandbox.url });
		const id = await n8n.createWorkflow(workflow);
		let published = false;
		if (!real && workflow.nodes.some((n) => /trigger|webhook/i.test(n.type))) {
			try {
				// n8n's default publication: the publish call only queues it; a background pass registers.
				await n8n.publish(id);
				const state = await n8n.waitForPublication(id);
				published = state.status === 'published';
				if (!published) console.log(`  ! publishing ${workflow.name}: ${state.status}: ${state.triggers.map((t) => t.errorMessage).filter(Boolean).join('; ')}`);
			} catch (error) {
				console.log(`  ! could not publish ${workflow.name}: ${error.message}`);
			}
		}
		imported.push({ id, file: example.file, name: workflow.name, published });
	}

	console.log(`
n8n with n8n-nodes-optimove is running.

  Editor   ${n8n.baseUrl}/
  Login    ${n8n.owner.email} / ${n8n.owner.password}
  Optimove ${real ? `${process.env.OPTIMOVE_BASE_URL} (your account)` : `${sandbox.url} (local sandbox, API key sandbox-api-key)`}
`);
	if (cluster) {
		console.log(`Queue mode (PostgreSQL database ${cluster.database}, Redis prefix ${cluster.prefix}):
  main               ${cluster.main.baseUrl}  pid ${cluster.main.pid}   editor, API, publishing: registers the listeners and webhook at Optimove
  webhook processor  ${cluster.webhook.baseUrl}  pid ${cluster.webhook.pid}   receives Optimove's calls (/webhook/…): URL token and signature checks
${cluster.workers.map((w, i) => `  worker ${i + 1}           health http://127.0.0.1:${w.port}/healthz  pid ${w.pid}   runs the executions: reads, approvals, events`).join('\n')}
`);
	}
	const env = [];
	if (!real && sandbox.url !== 'http://127.0.0.1:5680') env.push(`OPTIMOVE_SANDBOX_URL=${sandbox.url}`);
	if (webhookBase !== 'http://127.0.0.1:5678' && webhookBase !== 'http://localhost:5678') env.push(`N8N_URL=${webhookBase}`);
	const cli = `${env.length ? `${env.join(' ')} ` : ''}npm run sandbox --`;
	for (const w of imported) {
		console.log(`${w.published ? 'published' : 'imported '}  ${w.name}\n           ${n8n.baseUrl}/workflow/${w.id}`);
		if (!real) for (const command of FIRE[w.file] ?? []) console.log(`           $ ${cli} ${command}`);
		console.log('');
	}
	if (!real) {
		console.log(`Then: ${cli} report   (who receives each campaign, late approvals, rejected events and why, attribute updates)
Executions: ${n8n.baseUrl}/home/executions
            curl -H 'X-N8N-API-KEY: ${n8n.apiKey}' ${n8n.baseUrl}/api/v1/executions
            (an API key this command created in this throwaway n8n; it ends with Ctrl-C)`);
	}
	console.log('\nPress Ctrl-C to stop everything this command started.');
} catch (error) {
	console.error(`npm start failed: ${error.message}`);
	await stopAll(1);
}

/**
 * The port from `envName`, else `fallback`. A port the user set that is taken stops the start (they
 * asked for it); a taken default is replaced by a free port, and the output says so.
 */
async function choosePort(envName, fallback, what) {
	const wanted = process.env[envName];
	if (wanted !== undefined && wanted !== '') {
		const port = Number(wanted);
		if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${envName}=${wanted} is not a port (1–65535)`);
		if (!(await isFree(port))) throw new Error(`${envName}=${port}: the port is taken; free it or choose another one for ${what}`);
		return port;
	}
	if (await isFree(fallback)) return fallback;
	const port = await freePort();
	console.log(`! Port ${fallback} is taken: ${what} uses port ${port} instead (set ${envName} to choose one).`);
	return port;
}

async function isFree(port) {
	const { createServer } = await import('node:net');
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}
