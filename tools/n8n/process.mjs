// The n8n process: installs n8n (scripts/install-n8n.sh) and this package into a user folder,
// builds a quiet loopback-only environment, spawns n8n in its own process group under a watchdog,
// waits for readiness, and stops, kills or restarts it. Talking to the running n8n is
// tools/n8n/client.mjs; tools/n8n/index.mjs puts the two together (startN8n).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { N8N_PROFILE, N8N_VERSION, OWNER, PACKAGE_NAME, ROOT } from './profiles.mjs';
import { waitFor } from './wait.mjs';

const ENCRYPTION_KEY = 'n8n-nodes-optimove-e2e-encryption-key';
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

/** n8n's environment: this shell's, quietened and pointed at this instance's ports and folder, then `extra`. */
function processEnv({ install, port, brokerPort, userFolder, publication, extra }) {
	const env = {
		...process.env,
		PATH: `${install.nodeBin}${path.delimiter}${process.env.PATH}`,
		...quietEnv({ port, brokerPort, userFolder, n8nDir: install.n8nDir, publication }),
		...(extra ?? {}),
	};
	delete env.NODE_OPTIONS; // the harness's flags (e.g. --test) are not n8n's
	// n8n's default means its default, whatever the calling shell sets.
	if (publication === 'default' && !extra?.N8N_USE_WORKFLOW_PUBLICATION_SERVICE) delete env.N8N_USE_WORKFLOW_PUBLICATION_SERVICE;
	return env;
}

/** Runs `n8n <args>` to its end → stdout; rejects with stderr (or stdout) on a non-zero exit, SIGKILLs it after `timeoutMs`. */
function runCli({ nodeExe, bin, cwd, env }, args, { timeoutMs = 120_000 } = {}) {
	return new Promise((resolve, reject) => {
		const run = spawn(nodeExe, [bin, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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

// ---- the process ----

/**
 * Starts one n8n process with the package installed (the options are startN8n's, see index.mjs)
 * and resolves once it is ready: `{ baseUrl, port, brokerPort, pid, userFolder, command, label,
 * publication, n8nDir, bootSeconds, installSeconds, packageSeconds, logs(), cli(args), stop(),
 * kill(), restart() → boot seconds }`. It signs no one in: that is the client's job.
 */
export async function startN8nProcess(options = {}) {
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
		env = processEnv({ install, port, brokerPort, userFolder, publication, extra: options.env });
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

	async function stop({ timeoutMs = 15_000 } = {}) {
		if (child && child.exitCode === null && child.signalCode === null) {
			killGroup(child.pid, 'SIGTERM'); // n8n exits ~2 s later and stops its task runner
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
			await exited;
			clearTimeout(timer);
		}
	}

	const proc = {
		get baseUrl() {
			return `http://127.0.0.1:${port}`;
		},
		get port() {
			return port;
		},
		get brokerPort() {
			return brokerPort;
		},
		get pid() {
			return child?.pid;
		},
		userFolder,
		command,
		label,
		publication,
		n8nDir: install.n8nDir,
		bootSeconds,
		installSeconds: install.seconds,
		packageSeconds,
		/**
		 * Runs an n8n CLI command (`export:workflow --id=…`, `import:workflow --input=…`) against this
		 * instance's user folder and database → its stdout; rejects with stderr on a non-zero exit.
		 */
		cli: (args, opts) => runCli({ nodeExe, bin, cwd: userFolder, env: { ...env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(brokerPort) } }, args, opts),
		/** n8n's output (stdout + stderr) since the first start. */
		logs: () => logText,
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
		/** Stops (or finds killed) and starts again on the same port and user folder → boot seconds. */
		async restart() {
			if (stopped) throw new Error('restart() after stop(): the user folder is gone');
			await stop();
			proc.bootSeconds = await launch();
			return proc.bootSeconds;
		},
	};
	return proc;
}
