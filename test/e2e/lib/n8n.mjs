// Runs a real n8n (the pinned version, on Node 24 from the cache) with this package installed as
// a community package, on loopback, and drives it through its own REST and public APIs.
// Used by the end-to-end tests, the benchmarks and `npm start`.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';
export const OWNER = { email: 'owner@example.test', password: 'Test-Pass-123', firstName: 'Test', lastName: 'Owner' };
const ENCRYPTION_KEY = 'n8n-nodes-optimove-e2e-encryption-key';

/** Installs Node 24 and n8n into the cache once (scripts/install-n8n.sh); returns their paths. */
export function ensureN8nInstalled({ quiet = false } = {}) {
	const started = Date.now();
	const out = execFileSync('bash', [path.join(ROOT, 'scripts/install-n8n.sh')], {
		encoding: 'utf8',
		env: { ...process.env, N8N_VERSION },
		stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'inherit'],
	});
	const value = (name) => out.match(new RegExp(`^${name}=(.*)$`, 'm'))[1];
	return { node24Bin: value('NODE24_BIN'), n8nDir: value('N8N_DIR'), seconds: (Date.now() - started) / 1000 };
}

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

/**
 * Installs the built package the way the Community Nodes screen does: package.json and dist/ in
 * `<user folder>/.n8n/nodes/node_modules/n8n-nodes-optimove` (a copy, not a link, so it resolves
 * `n8n-workflow` from n8n itself, as an installed package does).
 */
function installPackage(userFolder) {
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-optimove');
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run npm run build first`);
	}
	cpSync(path.join(ROOT, 'dist'), path.join(target, 'dist'), { recursive: true });
	writeFileSync(path.join(target, 'package.json'), JSON.stringify({ ...pkg, devDependencies: undefined }, null, 2));
	const nodesPkg = path.join(userFolder, '.n8n', 'nodes', 'package.json');
	writeFileSync(nodesPkg, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-optimove': pkg.version } }));
}

function quietEnv({ port, brokerPort, userFolder, n8nDir }) {
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
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
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
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
		// Publishing is synchronous: a failing create() answers the publish call with its error.
		N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
		DB_SQLITE_POOL_SIZE: '4',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
	};
}

async function waitFor(check, { timeoutMs, what, intervalMs = 250 }) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts n8n with the package installed. Returns a handle with API helpers. Options:
 * `port` (default: a free one), `userFolder` (default: a fresh temp folder), `env` (extra),
 * `quiet` (do not echo n8n's output).
 */
export async function startN8n(options = {}) {
	const install = ensureN8nInstalled({ quiet: options.quiet });
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const userFolder = options.userFolder ?? mkdtempSync(path.join(os.tmpdir(), 'n8n-optimove-e2e-'));
	installPackage(userFolder);
	const env = {
		...process.env,
		PATH: `${install.node24Bin}${path.delimiter}${process.env.PATH}`,
		...quietEnv({ port, brokerPort, userFolder, n8nDir: install.n8nDir }),
		...(options.env ?? {}),
	};
	delete env.NODE_OPTIONS;
	const bin = path.join(install.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const baseUrl = `http://127.0.0.1:${port}`;
	let logText = '';
	let child;
	let exited;

	const launch = async () => {
		const started = Date.now();
		child = spawn(path.join(install.node24Bin, 'node'), [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
		const onData = (chunk) => {
			logText += chunk;
			if (!options.quiet) process.stderr.write(`[n8n] ${chunk}`);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		let dead = false;
		exited.then(() => (dead = true));
		await waitFor(
			async () => {
				if (dead) throw new Error(`n8n exited during start:\n${logText.slice(-3000)}`);
				const res = await fetch(`${baseUrl}/healthz/readiness`);
				return res.ok;
			},
			{ timeoutMs: 120_000, what: 'n8n readiness' },
		);
		return (Date.now() - started) / 1000;
	};

	const bootSeconds = await launch();
	const cookies = new Map();
	const browserId = 'optimove-e2e-browser';

	/** A call with the signed-in owner's cookie (the editor's internal API). */
	async function rest(method, urlPath, body, { prefix = '/rest' } = {}) {
		const res = await fetch(`${baseUrl}${prefix}${urlPath}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': browserId,
				cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		for (const header of res.headers.getSetCookie?.() ?? []) {
			const [pair] = header.split(';');
			const eq = pair.indexOf('=');
			cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
		}
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = text;
		}
		if (!res.ok) throw Object.assign(new Error(`REST ${method} ${urlPath} → ${res.status}: ${text.slice(0, 500)}`), { status: res.status, body: json });
		return json?.data ?? json;
	}

	async function login() {
		await rest('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	}
	await login();
	const requireN8n = createRequire(path.join(install.n8nDir, 'node_modules', 'n8n', 'package.json'));
	const { OWNER_API_KEY_SCOPES } = requireN8n('@n8n/permissions');
	const created = await rest('POST', '/api-keys', { label: `e2e-${Date.now()}`, expiresAt: null, scopes: OWNER_API_KEY_SCOPES });
	const apiKey = created.rawApiKey ?? created.apiKey;

	async function api(method, urlPath, body) {
		const res = await fetch(`${baseUrl}/api/v1${urlPath}`, {
			method,
			headers: { 'content-type': 'application/json', 'X-N8N-API-KEY': apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = text;
		}
		if (!res.ok) throw Object.assign(new Error(`API ${method} ${urlPath} → ${res.status}: ${text.slice(0, 800)}`), { status: res.status, body: json });
		return json;
	}

	const handle = {
		baseUrl,
		port,
		userFolder,
		apiKey,
		owner: OWNER,
		bootSeconds,
		installSeconds: install.seconds,
		get pid() {
			return child.pid;
		},
		api,
		rest,
		logs: () => logText,
		/** What the editor loads: every node type and credential type n8n registered. */
		nodeTypes: () => rest('GET', '/types/nodes.json', undefined, { prefix: '' }),
		credentialTypes: () => rest('GET', '/types/credentials.json', undefined, { prefix: '' }),
		webhookUrl: (webhookPath) => `${baseUrl}/webhook/${webhookPath}`,
		async createCredential({ name, type, data }) {
			return (await api('POST', '/credentials', { name, type, data })).id;
		},
		async createWorkflow(workflow) {
			const { name, nodes, connections, settings } = workflow;
			return (await api('POST', '/workflows', { name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } })).id;
		},
		async publish(id) {
			return api('POST', `/workflows/${id}/publish`);
		},
		async unpublish(id) {
			return api('POST', `/workflows/${id}/unpublish`);
		},
		async executions(workflowId, { includeData = false, limit = 250 } = {}) {
			const all = [];
			let cursor;
			do {
				const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: String(limit) });
				if (cursor) query.set('cursor', cursor);
				const page = await api('GET', `/executions?${query}`);
				all.push(...page.data);
				cursor = page.nextCursor;
			} while (cursor);
			return all;
		},
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
		async stop() {
			if (!child || child.exitCode !== null) return;
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return;
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}, 10_000);
			await exited;
			clearTimeout(timer);
		},
		async kill() {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
			await exited;
		},
		async restart() {
			await handle.stop();
			handle.bootSeconds = await launch();
			cookies.clear();
			await login();
		},
	};
	const cleanup = () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	};
	process.once('exit', cleanup);
	return handle;
}
