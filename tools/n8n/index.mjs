// Runs a real n8n (the pinned 2.x on Node 24 from the cache, or with N8N_VERSION a 1.x on the host's
// Node: N8N_PROFILES) with this package installed as a community package, on loopback, and drives it
// through its own REST and public APIs.
// Used by the end-to-end tests, the benchmarks and `npm start`. Plain Node (20+), no dependencies.
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
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The n8n each major is tested on: 2.x by default, 1.x with `N8N_VERSION=1.123.81` (`run.mjs --n8n1`). */
export const N8N_VERSIONS = { 2: '2.41.1', 1: '1.123.81' };
export const N8N_VERSION = process.env.N8N_VERSION || N8N_VERSIONS[2];
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
/**
 * What differs between the n8n majors the harness drives, in one place (docs: real-n8n.md, checked
 * against each version's source). Suites read it as `ctx.n8n.profile`.
 * - `env`: 1.x's isolated-vm has no build for the Node 20 it runs on, hence the legacy expression
 *   engine; 1.x refuses to start with an unknown module in N8N_DISABLED_MODULES.
 * - `ownerFromEnv`: 2.17+ takes the owner from N8N_INSTANCE_OWNER_*; 1.x needs POST /rest/owner/setup.
 * - `publish`/`unpublish`: the public API's words for it (/api/v1/workflows/{id}/<word>).
 * - `credentialTestRejected`: what a failing credential test may show: the credential's own rule
 *   message (2.x, 1.85), or n8n 1.123's generic 401 text, which it shows instead.
 * - `credentialTestApi`: 1.x's public API has no /credentials/{id}/test; the editor's
 *   POST /rest/credentials/test tests the stored data there.
 * - `manualRunSendsWorkflow`: 1.x's POST /rest/workflows/{id}/run wants the workflow in the body.
 * - `credentialDefaults`: values createCredential() adds where the type's public schema has the
 *   field: n8n 1.1xx gives credentials that authenticate an "Allowed HTTP Request Domains" option,
 *   and its schema check then demands `allowedDomains` unless the option is set (to the editor's
 *   default, 'all').
 */
export const N8N_PROFILES = {
	1: {
		env: { N8N_EXPRESSION_ENGINE: 'legacy', N8N_DISABLED_MODULES: '' },
		ownerFromEnv: false,
		publish: 'activate',
		unpublish: 'deactivate',
		credentialTestRejected: /API key|^Authorization failed - please check your credentials$/,
		credentialTestApi: 'rest',
		manualRunSendsWorkflow: true,
		credentialDefaults: { allowedHttpRequestDomains: 'all' },
		/** Activating an active workflow again changes nothing (2.x re-publishes: delete, then create). */
		republishReregisters: false,
	},
	2: {
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
		ownerFromEnv: true,
		publish: 'publish',
		unpublish: 'unpublish',
		credentialTestRejected: /API key/i,
		credentialTestApi: 'public',
		manualRunSendsWorkflow: false,
		credentialDefaults: {},
		republishReregisters: true,
	},
};
export const N8N_PROFILE = N8N_PROFILES[N8N_MAJOR >= 2 ? 2 : 1];
export const PACKAGE_NAME = 'n8n-nodes-optimove';
export const OWNER = { email: 'owner@example.test', password: 'Test-Pass-123', firstName: 'Test', lastName: 'Owner' };
const ENCRYPTION_KEY = 'n8n-nodes-optimove-e2e-encryption-key';
const BROWSER_ID = 'optimove-e2e-browser';
const READY_TIMEOUT_MS = Number(process.env.N8N_READY_TIMEOUT_MS || 180_000);

/**
 * Installs n8n and the Node it runs on (24 for 2.x, the host's for 1.x) into the cache once
 * (scripts/install-n8n.sh, which takes a lock, so concurrent callers wait for one install).
 * Progress goes to stderr. Returns `{ nodeBin, n8nDir, seconds }` (nodeBin: the folder of that node).
 */
export async function ensureN8nInstalled({ quiet = false } = {}) {
	const started = Date.now();
	const child = spawn('bash', [path.join(ROOT, 'scripts/install-n8n.sh')], {
		env: { ...process.env, N8N_VERSION },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout.on('data', (chunk) => (out += chunk));
	child.stderr.on('data', (chunk) => {
		err += chunk;
		if (!quiet || /^\[install-n8n\]/m.test(chunk)) process.stderr.write(chunk);
	});
	const code = await new Promise((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`scripts/install-n8n.sh failed (exit ${code}):\n${err.slice(-3000)}`);
	const value = (name) => {
		const match = out.match(new RegExp(`^${name}=(.*)$`, 'm'));
		if (!match) throw new Error(`scripts/install-n8n.sh printed no ${name}=`);
		return match[1];
	};
	return { nodeBin: value('NODE_BIN'), n8nDir: value('N8N_DIR'), seconds: (Date.now() - started) / 1000 };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Whether nothing listens on 127.0.0.1:port. */
export async function isPortFree(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * Installs the built package the way the Community Nodes screen does: package.json and dist/ in
 * `<user folder>/.n8n/nodes/node_modules/n8n-nodes-optimove`. A copy by default, so the package
 * resolves `n8n-workflow` through n8n, as an installed package does; `link: true` symlinks the
 * repository instead (then it resolves the repository's own node_modules first).
 */
function installPackage(userFolder, packageDir, { link = false, tarball, nodeBin } = {}) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (tarball) return npmInstallTarball(nodesDir, tarball, nodeBin);
	const pkg = assertBuilt(packageDir);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(path.dirname(target), { recursive: true });
	if (link) {
		// dist/ stays live: rebuild, then restart() to load the new code.
		symlinkSync(packageDir, target, 'dir');
	} else {
		mkdirSync(target, { recursive: true });
		cpSync(path.join(packageDir, 'dist'), path.join(target, 'dist'), { recursive: true });
		writeFileSync(path.join(target, 'package.json'), JSON.stringify({ ...pkg, devDependencies: undefined, scripts: undefined }, null, 2));
	}
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } }, null, 2),
	);
}

/**
 * What the README tells users of queue mode (and Docker images) to do: `npm install` the package in
 * `<user folder>/.n8n/nodes`, here from a tarball made by `npm pack` (packTarball()). `--omit=peer`
 * keeps npm from installing a second n8n-workflow next to the package: n8n provides its own.
 */
function npmInstallTarball(nodesDir, tarball, nodeBin) {
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(path.join(nodesDir, 'package.json'))) {
		writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	execFileSync('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error', path.resolve(tarball)], {
		cwd: nodesDir,
		env: { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}` },
		stdio: ['ignore', 'ignore', 'pipe'],
	});
}

/** The package's package.json, once every file its `n8n` block names exists. */
function assertBuilt(packageDir) {
	const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const missing = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].filter((f) => !existsSync(path.join(packageDir, f)));
	if (missing.length) throw new Error(`${missing.join(', ')} missing in ${packageDir}: run npm run build first`);
	return pkg;
}

/** `npm pack` of a built package (package.json + dist/) into `destDir` → the tarball's path. */
export function packTarball(destDir, packageDir = ROOT) {
	assertBuilt(packageDir);
	mkdirSync(destDir, { recursive: true });
	const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', destDir], { cwd: packageDir, encoding: 'utf8' });
	return path.join(destDir, out.trim().split('\n').pop());
}

/** The environment of a quiet, deterministic, loopback-only n8n (see docs/real-n8n.md). */
function quietEnv({ port, brokerPort, userFolder, n8nDir, publication }) {
	const requireN8n = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'));
	const bcrypt = requireN8n('bcryptjs');
	const base = `http://127.0.0.1:${port}/`;
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: base,
		N8N_WEBHOOK_URL: base,
		N8N_EDITOR_BASE_URL: base,
		N8N_SECURE_COOKIE: 'false',
		// The task broker listens on 5679 by default: a free port of its own lets instances coexist.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
		N8N_PUBLIC_API_DISABLED: 'false',
		DB_SQLITE_POOL_SIZE: '4',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		...N8N_PROFILE.env,
		...PUBLICATION_ENV[publication],
	};
}

/**
 * `sync` (the harness's default): publishing is synchronous, so a failing create() answers the
 * publish call with its error (400) and each test sees the registration done when publish returns.
 * `default`: n8n 2.x's own default, the publication service: publish answers 200 at once, a
 * background pass registers (and retries a failing create()); see publicationStatus() and
 * waitForPublication().
 */
const PUBLICATION_ENV = {
	sync: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
	default: {},
};

async function waitFor(check, { timeoutMs, what, intervalMs = 250 }) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			if (error.fatal) throw error;
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// ---- process bookkeeping: every n8n this module started is killed when this process goes away ----

const live = new Set(); // process-group ids (= n8n's pid; spawned detached)
const tempFolders = new Set(); // user folders this module created, removed at exit
let hooksInstalled = false;

function killGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false; // already gone
	}
}

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const pgid of live) killGroup(pgid, 'SIGKILL');
		for (const folder of tempFolders) {
			try {
				rmSync(folder, { recursive: true, force: true, maxRetries: 2 });
			} catch {
				// n8n was still writing: left in the temp dir
			}
		}
	});
	for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
		const onSignal = () => {
			for (const pgid of live) killGroup(pgid, 'SIGTERM');
			// Someone else (e.g. scripts/start.mjs) handles this signal: let it stop things its way.
			if (process.listenerCount(signal) > 1) return;
			for (const pgid of live) killGroup(pgid, 'SIGKILL');
			process.exit(128 + number);
		};
		process.on(signal, onSignal);
	}
}

/**
 * A small detached guard that stops the n8n process group if this process dies without cleaning
 * up (SIGKILL, crash, CI timeout): it polls both every second and exits as soon as n8n is gone.
 */
const WATCHDOG = `
const [parent, pgid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
let orphanedAt = 0;
setInterval(() => {
	if (!alive(-pgid)) process.exit(0);
	if (!orphanedAt && alive(parent)) return;
	const signal = !orphanedAt ? 'SIGTERM' : Date.now() - orphanedAt >= 8000 ? 'SIGKILL' : null;
	if (!orphanedAt) orphanedAt = Date.now();
	if (signal) try { process.kill(-pgid, signal); } catch {}
}, 1000);
`;

function startWatchdog(pgid) {
	const guard = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(pgid)], { detached: true, stdio: 'ignore' });
	guard.unref();
}

// ---- the instance ----

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
	const install = options.install ?? (await ensureN8nInstalled({ quiet: options.quiet }));
	const packageDir = path.resolve(options.packageDir ?? ROOT);
	const ownFolder = !options.userFolder;
	const userFolder = options.userFolder ? path.resolve(options.userFolder) : mkdtempSync(path.join(os.tmpdir(), 'n8n-optimove-e2e-'));
	mkdirSync(userFolder, { recursive: true });
	if (ownFolder && !options.keepUserFolder) tempFolders.add(userFolder);
	const packageStarted = Date.now();
	installPackage(userFolder, packageDir, { link: options.link, tarball: options.tarball, nodeBin: install.nodeBin });
	const packageSeconds = (Date.now() - packageStarted) / 1000;
	const command = options.command ?? 'start';
	const label = options.label ?? 'n8n';
	const publication = options.publication ?? 'sync';
	if (!(publication in PUBLICATION_ENV)) throw new Error(`publication: 'sync' or 'default', not ${JSON.stringify(publication)}`);
	const bin = path.join(install.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const nodeExe = path.join(install.nodeBin, 'node');
	installExitHooks();

	let port;
	let brokerPort;
	let env;
	let logText = '';
	let child;
	let exited = Promise.resolve();
	let stopped = false;

	const configure = async () => {
		port = options.port ?? (await freePort());
		brokerPort = options.env?.N8N_RUNNERS_BROKER_PORT ? Number(options.env.N8N_RUNNERS_BROKER_PORT) : await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		env = {
			...process.env,
			PATH: `${install.nodeBin}${path.delimiter}${process.env.PATH}`,
			...quietEnv({ port, brokerPort, userFolder, n8nDir: install.n8nDir, publication }),
			...(options.env ?? {}),
		};
		delete env.NODE_OPTIONS; // the harness's flags (e.g. --test) are not n8n's
		// n8n's default means its default, whatever the calling shell sets.
		if (publication === 'default' && !options.env?.N8N_USE_WORKFLOW_PUBLICATION_SERVICE) delete env.N8N_USE_WORKFLOW_PUBLICATION_SERVICE;
	};

	const launchOnce = async () => {
		const started = Date.now();
		child = spawn(nodeExe, [bin, command, ...(options.args ?? [])], { env, cwd: userFolder, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const pgid = child.pid;
		live.add(pgid);
		startWatchdog(pgid);
		let dead = false;
		exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => {
				dead = true;
				live.delete(pgid);
				killGroup(pgid, 'SIGKILL'); // the task runner, if n8n left it behind
				resolve({ code, signal });
			}),
		);
		const onData = (chunk) => {
			logText += chunk;
			if (!options.quiet) process.stderr.write(`[${label}] ${chunk}`);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		try {
			await waitFor(
				async () => {
					if (dead) throw Object.assign(new Error(`${label} exited during start:\n${logText.slice(-3000)}`), { fatal: true });
					const res = await fetch(`http://127.0.0.1:${options.healthPort ?? port}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
					return res.ok;
				},
				{ timeoutMs: READY_TIMEOUT_MS, what: `${label} readiness on port ${options.healthPort ?? port}` },
			);
		} catch (error) {
			await hardKill();
			if (!/exited during start/.test(error.message)) error.message += `\n--- ${label} output (tail) ---\n${logText.slice(-3000)}`;
			throw error;
		}
		return (Date.now() - started) / 1000;
	};

	const launch = async ({ retryPorts = false } = {}) => {
		for (let attempt = 1; ; attempt++) {
			try {
				return await launchOnce();
			} catch (error) {
				// A port taken between freePort() and n8n's listen(): pick new ones and try again
				// (first start only: a restart keeps its URLs).
				const portRace = /EADDRINUSE|address already in use|port .* in use/i.test(error.message);
				if (!portRace || !retryPorts || attempt >= 3 || options.port) throw error;
				logText += `\n[harness] port clash, retrying with other ports\n`;
				await configure();
			}
		}
	};

	async function hardKill() {
		if (!child) return;
		killGroup(child.pid, 'SIGKILL');
		await exited;
	}

	await configure();
	// Another server on a given port would answer our readiness probe: refuse early instead.
	if (options.port && !(await isPortFree(options.port))) throw new Error(`port ${options.port} on 127.0.0.1 is in use`);
	const bootSeconds = await launch({ retryPorts: true });
	const baseUrl = () => `http://127.0.0.1:${port}`;
	const cookies = new Map();

	async function request(url, method, body, headers) {
		const res = await fetch(url, {
			method,
			headers: { 'content-type': 'application/json', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(120_000),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = text;
		}
		return { res, text, json };
	}

	/** A call to the editor's internal API (/rest/…) with the signed-in owner's cookie; returns `data`. */
	async function rest(method, urlPath, body, { prefix = '/rest' } = {}) {
		const { res, text, json } = await request(`${baseUrl()}${prefix}${urlPath}`, method, body, {
			'browser-id': BROWSER_ID,
			cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
		});
		for (const header of res.headers.getSetCookie?.() ?? []) {
			const [pair] = header.split(';');
			const eq = pair.indexOf('=');
			cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
		}
		if (!res.ok) throw Object.assign(new Error(`REST ${method} ${urlPath} → ${res.status}: ${text.slice(0, 800)}`), { status: res.status, body: json });
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	/** A call to the public API (/api/v1/…) with the API key; returns the parsed body. */
	async function api(method, urlPath, body) {
		const { res, text, json } = await request(`${baseUrl()}/api/v1${urlPath}`, method, body, { 'X-N8N-API-KEY': handle.apiKey });
		if (!res.ok) throw Object.assign(new Error(`API ${method} ${urlPath} → ${res.status}: ${text.slice(0, 800)}`), { status: res.status, body: json });
		return json;
	}

	/**
	 * Signs the owner in. Without an owner from env (1.x) the owner is set up first, once; there
	 * readiness answers before the REST routes exist, so a 404 means "not yet".
	 */
	async function login({ setUpOwner = false } = {}) {
		cookies.clear();
		const untilRoutes = (call, what) =>
			waitFor(
				() =>
					call().then(
						() => true,
						(error) => {
							if (error.status !== 404) error.fatal = true;
							throw error;
						},
					),
				{ timeoutMs: 60_000, what },
			);
		if (setUpOwner && !N8N_PROFILE.ownerFromEnv) {
			const { email, password, firstName, lastName } = OWNER;
			await untilRoutes(() => rest('POST', '/owner/setup', { email, password, firstName, lastName }), 'POST /rest/owner/setup');
		}
		await untilRoutes(() => rest('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password }), 'POST /rest/login');
	}

	async function createApiKey() {
		// Every scope this owner may give a key (2.41.1: 102, incl. credential:read, which
		// OWNER_API_KEY_SCOPES lacks and POST /api/v1/credentials/{id}/test needs).
		let scopes;
		try {
			scopes = await rest('GET', '/api-keys/scopes');
		} catch {
			scopes = createRequire(path.join(install.n8nDir, 'node_modules', 'n8n', 'package.json'))('@n8n/permissions').OWNER_API_KEY_SCOPES;
		}
		const created = await rest('POST', '/api-keys', { label: `e2e-${Date.now()}`, expiresAt: null, scopes });
		return created.rawApiKey ?? created.apiKey;
	}

	/**
	 * Runs an n8n CLI command (`export:workflow --id=…`, `import:workflow --input=…`) against this
	 * instance's user folder and database → its stdout; rejects with stderr on a non-zero exit.
	 */
	function cli(args, { timeoutMs = 120_000 } = {}) {
		return new Promise((resolve, reject) => {
			const cliEnv = { ...env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(brokerPort) };
			const run = spawn(nodeExe, [bin, ...args], { env: cliEnv, cwd: userFolder, stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			let err = '';
			run.stdout.on('data', (chunk) => (out += chunk));
			run.stderr.on('data', (chunk) => (err += chunk));
			const timer = setTimeout(() => run.kill('SIGKILL'), timeoutMs);
			run.on('close', (code) => {
				clearTimeout(timer);
				if (code === 0) resolve(out);
				else reject(Object.assign(new Error(`n8n ${args.join(' ')} exited with ${code}: ${err || out}`), { stdout: out, stderr: err }));
			});
		});
	}

	async function stop({ timeoutMs = 15_000 } = {}) {
		if (child && child.exitCode === null && child.signalCode === null) {
			killGroup(child.pid, 'SIGTERM'); // n8n exits ~2 s later and stops its task runner
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
			await exited;
			clearTimeout(timer);
		}
	}

	const handle = {
		get baseUrl() {
			return baseUrl();
		},
		get port() {
			return port;
		},
		get brokerPort() {
			return brokerPort;
		},
		userFolder,
		command,
		label,
		apiKey: undefined,
		owner: { email: OWNER.email, password: OWNER.password },
		bootSeconds,
		installSeconds: install.seconds,
		/** How long putting the package into .n8n/nodes took (an `npm install` with `tarball`). */
		packageSeconds,
		n8nVersion: N8N_VERSION,
		/** What differs in this n8n major (N8N_PROFILES). */
		profile: N8N_PROFILE,
		get pid() {
			return child?.pid;
		},
		api,
		rest,
		cli,
		/** n8n's output (stdout + stderr) since the first start. */
		logs: () => logText,
		/** What the editor loads: every node type n8n registered (`/types/nodes.json`, no auth). */
		nodeTypes: () => rest('GET', '/types/nodes.json', undefined, { prefix: '' }),
		/** Every credential type n8n registered (`/types/credentials.json`, no auth). */
		credentialTypes: () => rest('GET', '/types/credentials.json', undefined, { prefix: '' }),
		/** Production URL of a published Webhook-style trigger: `${baseUrl}/webhook/<path>`. */
		webhookUrl: (webhookPath) => `${baseUrl()}/webhook/${webhookPath}`,
		/** POST /api/v1/credentials; community types work; `data` must match the type's schema. */
		async createCredential({ name, type, data }) {
			const defaults = Object.entries(N8N_PROFILE.credentialDefaults).filter(([field]) => !(field in data));
			const schema = defaults.length ? (await api('GET', `/credentials/schema/${type}`)).properties : {};
			const filled = { ...Object.fromEntries(defaults.filter(([field]) => field in schema)), ...data };
			return (await api('POST', '/credentials', { name, type, data: filled })).id;
		},
		/**
		 * Tests a stored credential → `{ status: 'OK'|'Error', message }`: POST /api/v1/credentials/{id}/test,
		 * or where the public API has none (1.x) the editor's POST /rest/credentials/test with the
		 * stored (redacted) data, which n8n completes from the database.
		 */
		async testCredential(id) {
			if (N8N_PROFILE.credentialTestApi === 'public') return api('POST', `/credentials/${id}/test`);
			const { name, type, data } = await rest('GET', `/credentials/${id}?includeData=true`);
			return rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
		},
		/** POST /api/v1/workflows (only name, nodes, connections, settings are accepted). */
		async createWorkflow(workflow) {
			const { name, nodes, connections, settings } = workflow;
			return (await api('POST', '/workflows', { name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } })).id;
		},
		/** Publishes (1.x: activates) a workflow through the public API. */
		publish: (id) => api('POST', `/workflows/${id}/${N8N_PROFILE.publish}`),
		/** Unpublishes (1.x: deactivates) a workflow through the public API. */
		unpublish: (id) => api('POST', `/workflows/${id}/${N8N_PROFILE.unpublish}`),
		/** 'sync' or 'default' (n8n's asynchronous publication service): see the `publication` option. */
		publication,
		/**
		 * What the editor shows of the workflow's publication (publication service only): GET
		 * /rest/workflows/{id}/publication-status → `{ status: 'in_progress'|'published'|'partial'|'failed'|
		 * 'not_published', liveVersionId, pendingVersionId, triggers: [{ nodeId, status, errorMessage }] }`.
		 */
		publicationStatus: (id) => rest('GET', `/workflows/${id}/publication-status`),
		/**
		 * With n8n's default publication: waits until no publication of the workflow is in flight (n8n
		 * queues it in the publish call itself, so right after publish() it is `in_progress` until the
		 * background pass, retries included, has ended) → publicationStatus().
		 */
		async waitForPublication(id, { timeoutMs = 60_000 } = {}) {
			return waitFor(
				async () => {
					const state = await handle.publicationStatus(id);
					return state.status === 'in_progress' ? undefined : state;
				},
				{ timeoutMs, what: `the publication of workflow ${id}`, intervalMs: 250 },
			);
		},
		/**
		 * What the editor's "Execute workflow" (or a trigger's "listen for test event") sends:
		 * POST /rest/workflows/{id}/run from the named trigger node → n8n's answer
		 * (`{ executionId }`, or `{ waitingForWebhook: true }`).
		 */
		async startRun(id, { trigger }) {
			const workflowData = N8N_PROFILE.manualRunSendsWorkflow ? await rest('GET', `/workflows/${id}`) : undefined;
			return rest('POST', `/workflows/${id}/run`, { ...(workflowData && { workflowData }), triggerToStartFrom: { name: trigger } });
		},
		/**
		 * Starts a manual run of a saved workflow from one of its trigger nodes (what the editor's
		 * "Execute workflow" does) → executionId. Default trigger: the first node whose type ends in
		 * `manualTrigger`. Works for unpublished workflows.
		 */
		async run(id, { trigger } = {}) {
			let name = trigger;
			if (!name) {
				const workflow = await api('GET', `/workflows/${id}`);
				name = workflow.nodes.find((n) => /manualTrigger$/i.test(n.type))?.name;
				if (!name) throw new Error(`workflow ${id} has no Manual Trigger: pass { trigger: '<node name>' }`);
			}
			const result = await handle.startRun(id, { trigger: name });
			if (!result?.executionId) throw new Error(`manual run of ${id} started no execution: ${JSON.stringify(result)}`);
			return String(result.executionId);
		},
		/** run() and wait until that execution finished; returns it with its data. */
		async execute(id, { trigger, timeoutMs = 60_000 } = {}) {
			const executionId = await handle.run(id, { trigger });
			return handle.waitForExecution(executionId, { timeoutMs });
		},
		/** GET /api/v1/executions/{id}. */
		execution: (executionId, { includeData = true } = {}) => api('GET', `/executions/${executionId}?includeData=${includeData}`),
		async waitForExecution(executionId, { timeoutMs = 60_000 } = {}) {
			return waitFor(
				async () => {
					const execution = await handle.execution(executionId).catch((error) => {
						if (error.status === 404) return undefined; // not saved yet
						throw error;
					});
					return execution && (execution.finished || execution.stoppedAt) ? execution : undefined;
				},
				{ timeoutMs, what: `execution ${executionId}`, intervalMs: 200 },
			);
		},
		/** Every execution of a workflow, newest first (all pages). */
		async executions(workflowId, { includeData = false, status, limit = 250 } = {}) {
			const all = [];
			let cursor;
			do {
				const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: String(limit) });
				if (status) query.set('status', status);
				if (cursor) query.set('cursor', cursor);
				const page = await api('GET', `/executions?${query}`);
				all.push(...page.data);
				cursor = page.nextCursor;
			} while (cursor);
			return all;
		},
		/** Waits until at least `count` executions of the workflow finished; returns the finished ones. */
		async waitForExecutions(workflowId, count, { timeoutMs = 60_000, includeData = true } = {}) {
			return waitFor(
				async () => {
					const list = await handle.executions(workflowId, { includeData });
					const done = list.filter((e) => e.finished || e.stoppedAt);
					return done.length >= count ? done : undefined;
				},
				{ timeoutMs, what: `${count} execution(s) of workflow ${workflowId}`, intervalMs: 500 },
			);
		},
		/** SIGTERM to n8n's process group, SIGKILL after 15 s; removes a temp user folder. */
		async stop(opts) {
			stopped = true;
			await stop(opts);
			if (tempFolders.delete(userFolder)) rmSync(userFolder, { recursive: true, force: true, maxRetries: 3 });
		},
		/** SIGKILL to n8n's process group (crash simulation); the user folder stays. */
		async kill() {
			await hardKill();
		},
		/** Stops (or finds killed) and starts again on the same port and user folder; signs in again. */
		async restart() {
			if (stopped) throw new Error('restart() after stop(): the user folder is gone');
			await stop();
			handle.bootSeconds = await launch();
			if (command === 'start') await login();
		},
	};

	if (command !== 'start') return handle; // webhook processors and workers have no editor API
	try {
		await login({ setUpOwner: true });
		handle.apiKey = await createApiKey();
	} catch (error) {
		await hardKill();
		throw error;
	}
	return handle;
}
