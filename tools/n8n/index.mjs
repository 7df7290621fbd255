// Runs a real n8n (the pinned 2.x on Node 24 from the cache, or with N8N_VERSION a 1.x on the host's
// Node: N8N_PROFILES) with this package installed as a community package, on loopback, and drives it
// through its own REST and public APIs.
// Used by the end-to-end tests, the benchmarks and `npm start`. Plain Node (20+), no dependencies.
// process.mjs runs the n8n process, client.mjs talks to it; startN8n() below joins the two.
//
// What works headless in n8n 2.41.1 (checked against its source and a running instance):
// - owner from env (bcrypt hash made with n8n's own bcryptjs), then POST /rest/login with a
//   `browser-id` header, then POST /rest/api-keys with every scope GET /rest/api-keys/scopes offers;
// - credentials, community types included, through the public API POST /api/v1/credentials (the data
//   is validated against the type's schema: missing required fields → 400, unknown type → 400);
// - workflows through POST /api/v1/workflows, publish/unpublish through /api/v1/workflows/{id}/publish;
// - a manual run of a saved workflow through the editor's POST /rest/workflows/{id}/run with
//   `{ triggerToStartFrom: { name } }` → `{ executionId }` (the public API has no /execute in 2.41.1);
// - executions through GET /api/v1/executions[/{id}]?includeData=true.
import { n8nClient } from './client.mjs';
import { startN8nProcess } from './process.mjs';
import { N8N_PROFILE, N8N_VERSION, OWNER } from './profiles.mjs';

export { N8N_MAJOR, N8N_PROFILE, N8N_PROFILES, N8N_VERSION, N8N_VERSIONS, OWNER, PACKAGE_NAME, ROOT } from './profiles.mjs';
export { ensureN8nInstalled, freePort, isPortFree, packTarball } from './process.mjs';

/**
 * Starts n8n with the package installed and returns a handle (see the README of test/e2e or the
 * report in the commit): `{ baseUrl, port, brokerPort, userFolder, apiKey, owner, pid, bootSeconds,
 * installSeconds, api, rest, createCredential, createWorkflow, publish, unpublish, publication,
 * publicationStatus, waitForPublication, run, execute, execution, executions, waitForExecutions,
 * testCredential, nodeTypes, credentialTypes, webhookUrl, logs, stop, kill, restart }`.
 *
 * Options: `port` (default: a free port), `packageDir` (default: the repository root; its dist/ must
 * be built), `link` (symlink the package instead of copying it), `userFolder` (default: a fresh temp
 * folder, removed by stop() unless `keepUserFolder`; pass one to persist across runs), `env` (extra
 * environment, wins over the defaults), `quiet` (do not echo n8n's output; it is kept for logs()),
 * `publication` ('sync', the default: publish() returns once the triggers are registered, or fails
 * with create()'s error; 'default': n8n's own asynchronous publication, see waitForPublication()).
 *
 * Queue mode (tools/n8n/queue.mjs): `command` ('start' = main, default; 'webhook'; 'worker'),
 * `args` (extra CLI arguments, e.g. `['--concurrency=5']`), `healthPort` (where
 * `/healthz/readiness` answers when not on `port`: a worker's QUEUE_HEALTH_CHECK_PORT), `tarball`
 * (install the package with `npm install --omit=peer <tarball>` instead of copying dist/; the e2e
 * legs do, queue mode or not), `label` (prefix of
 * echoed output), `install` (ensureN8nInstalled()'s result, to skip the check). Only a main signs
 * in and gets an API key.
 */
export async function startN8n(options = {}) {
	const proc = await startN8nProcess(options);
	const handle = {
		get baseUrl() {
			return proc.baseUrl;
		},
		get port() {
			return proc.port;
		},
		get brokerPort() {
			return proc.brokerPort;
		},
		userFolder: proc.userFolder,
		command: proc.command,
		label: proc.label,
		apiKey: undefined,
		owner: { email: OWNER.email, password: OWNER.password },
		bootSeconds: proc.bootSeconds,
		installSeconds: proc.installSeconds,
		/** How long putting the package into .n8n/nodes took (an `npm install` with `tarball`). */
		packageSeconds: proc.packageSeconds,
		n8nVersion: N8N_VERSION,
		/** What differs in this n8n major (N8N_PROFILES). */
		profile: N8N_PROFILE,
		get pid() {
			return proc.pid;
		},
		cli: proc.cli,
		logs: proc.logs,
		/** 'sync' or 'default' (n8n's asynchronous publication service): see the `publication` option. */
		publication: proc.publication,
		stop: proc.stop,
		kill: proc.kill,
		/** Stops (or finds killed) and starts again on the same port and user folder; signs in again. */
		async restart() {
			handle.bootSeconds = await proc.restart();
			if (proc.command === 'start') await client.login();
		},
	};
	const client = n8nClient(handle, { baseUrl: () => proc.baseUrl, n8nDir: proc.n8nDir });
	Object.assign(handle, client.members);

	if (proc.command !== 'start') return handle; // webhook processors and workers have no editor API
	try {
		await client.login({ setUpOwner: true });
		handle.apiKey = await client.createApiKey();
	} catch (error) {
		await proc.kill();
		throw error;
	}
	return handle;
}
