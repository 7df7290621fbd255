// n8n in queue mode for the end-to-end tests and `npm start -- --queue`: one main, one webhook
// processor and N workers on a fresh PostgreSQL database and run-unique Redis prefixes, each
// process with the package `npm install`ed in its own user folder (what the README tells users).
// Recipe and pitfalls: docs/real-n8n.md "Queue mode". Plain Node, no dependencies: the PostgreSQL
// and Redis clients are n8n's own (`pg`, `ioredis` from the n8n install).
//
// PostgreSQL and Redis are found where n8n would look, through n8n's own variables:
// DB_POSTGRESDB_HOST (127.0.0.1), DB_POSTGRESDB_PORT (5432), DB_POSTGRESDB_USER (postgres),
// DB_POSTGRESDB_PASSWORD; QUEUE_BULL_REDIS_HOST (127.0.0.1), QUEUE_BULL_REDIS_PORT (6379),
// QUEUE_BULL_REDIS_PASSWORD, QUEUE_BULL_REDIS_DB (0).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureN8nInstalled, freePort, packTarball, startN8n } from './index.mjs';

const env = process.env;
export const SERVICES = {
	postgres: {
		host: env.DB_POSTGRESDB_HOST || '127.0.0.1',
		port: Number(env.DB_POSTGRESDB_PORT || 5432),
		user: env.DB_POSTGRESDB_USER || 'postgres',
		password: env.DB_POSTGRESDB_PASSWORD || '',
	},
	redis: {
		host: env.QUEUE_BULL_REDIS_HOST || '127.0.0.1',
		port: Number(env.QUEUE_BULL_REDIS_PORT || 6379),
		password: env.QUEUE_BULL_REDIS_PASSWORD || '',
		db: Number(env.QUEUE_BULL_REDIS_DB || 0),
	},
};
/** Databases and Redis prefixes this module creates: `optimove_e2e_<pid>_<base-36 ms>`. */
const RUN_NAME = /^optimove_e2e_(\d+)_([0-9a-z]+)$/;

function tcpReachable({ host, port }, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const socket = connect({ host, port });
		const done = (error) => {
			socket.destroy();
			resolve(error ? error.code || error.message : undefined);
		};
		socket.setTimeout(timeoutMs, () => done(new Error(`no answer in ${timeoutMs} ms`)));
		socket.once('connect', () => done());
		socket.once('error', done);
	});
}

/**
 * Whether PostgreSQL and Redis answer → `{ ok: true }` or `{ ok: false, reason }` (one sentence,
 * naming what is missing where and the variables that point elsewhere).
 */
export async function queueServicesReachable() {
	const missing = [];
	const pg = await tcpReachable(SERVICES.postgres);
	if (pg) missing.push(`PostgreSQL at ${SERVICES.postgres.host}:${SERVICES.postgres.port} (${pg}; DB_POSTGRESDB_HOST/PORT)`);
	const redis = await tcpReachable(SERVICES.redis);
	if (redis) missing.push(`Redis at ${SERVICES.redis.host}:${SERVICES.redis.port} (${redis}; QUEUE_BULL_REDIS_HOST/PORT)`);
	return missing.length ? { ok: false, reason: `not reachable: ${missing.join(' and ')}` } : { ok: true };
}

function clients(n8nDir) {
	const requireN8n = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'));
	return { pg: requireN8n('pg'), Redis: requireN8n('ioredis') };
}

async function withPostgres(pg, fn) {
	const client = new pg.Client({ ...SERVICES.postgres, database: 'postgres' });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

function redisClient(Redis) {
	const { host, port, password, db } = SERVICES.redis;
	return new Redis({ host, port, password: password || undefined, db, lazyConnect: true, maxRetriesPerRequest: 2 });
}

async function deleteKeys(redis, prefixes) {
	let deleted = 0;
	for (const prefix of prefixes) {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
			cursor = next;
			if (keys.length) deleted += await redis.del(...keys);
		} while (cursor !== '0');
	}
	return deleted;
}

const alive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
};

/** Leftovers of runs on this machine whose process is gone and that are older than 10 minutes. */
function stale(name) {
	const match = RUN_NAME.exec(name);
	return Boolean(match) && !alive(Number(match[1])) && Date.now() - parseInt(match[2], 36) > 10 * 60_000;
}

async function pruneLeftovers({ pg, Redis }) {
	await withPostgres(pg, async (client) => {
		const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'optimove\\_e2e\\_%'`);
		for (const { datname } of rows) if (stale(datname)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
	});
	const redis = redisClient(Redis);
	try {
		await redis.connect();
		const prefixes = new Set();
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', 'optimove_e2e_*', 'COUNT', 1000);
			cursor = next;
			for (const key of keys) prefixes.add(key.split(':')[0]);
		} while (cursor !== '0');
		await deleteKeys(redis, [...prefixes].filter(stale).map((p) => `${p}:`));
	} finally {
		redis.disconnect();
	}
}

/** The environment every process of one queue-mode run shares: its database, its Redis prefix, its URLs. */
function queueEnv({ runName, mainPort, webhookBase, extra }) {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: SERVICES.postgres.host,
		DB_POSTGRESDB_PORT: String(SERVICES.postgres.port),
		DB_POSTGRESDB_USER: SERVICES.postgres.user,
		DB_POSTGRESDB_PASSWORD: SERVICES.postgres.password,
		DB_POSTGRESDB_DATABASE: runName,
		DB_POSTGRESDB_SCHEMA: 'public',
		QUEUE_BULL_REDIS_HOST: SERVICES.redis.host,
		QUEUE_BULL_REDIS_PORT: String(SERVICES.redis.port),
		QUEUE_BULL_REDIS_PASSWORD: SERVICES.redis.password,
		QUEUE_BULL_REDIS_DB: String(SERVICES.redis.db),
		// Everything this run puts in Redis lives under its own prefix (deleted by stop()).
		QUEUE_BULL_PREFIX: `${runName}:bull`,
		N8N_REDIS_KEY_PREFIX: `${runName}:n8n`,
		// Listener and webhook URLs registered at Optimove must reach the webhook processor.
		WEBHOOK_URL: webhookBase,
		N8N_WEBHOOK_URL: webhookBase,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
		...extra,
	};
}

/** `count` free ports, none of them in `taken` nor twice. */
async function freePortsBesides(count, taken) {
	const ports = [];
	while (ports.length < count) {
		const port = await freePort();
		if (![...taken, ...ports].includes(port)) ports.push(port);
	}
	return ports;
}

/**
 * Starts main (`n8n start`, migrations, publishing, the editor and API; production webhooks off),
 * then the webhook processor (`n8n webhook`) and `workers` workers (`n8n worker`) side by side.
 * Returns `{ main, webhook, workers, processes, runName, database, prefix, env, seconds, stop }`:
 * `main` is a full startN8n() handle (api, publish, executions…); the others are process handles
 * (baseUrl, port, pid, logs, stop, kill, restart). `stop()` stops every process, drops the
 * database and deletes the run's Redis keys.
 *
 * Options: `workers` (2), `concurrency` (per worker, n8n's default 10), `env` (extra environment for
 * every process), `workerEnv`, `quiet`, `packageDir` (built package to pack and install), `ports`
 * (`{ main, webhook }`: fixed ports, e.g. 5678 for `npm start`), `publication` (startN8n()'s option).
 */
export async function startQueueCluster(options = {}) {
	const started = Date.now();
	const install = await ensureN8nInstalled({ quiet: options.quiet });
	const libs = clients(install.n8nDir);
	await pruneLeftovers(libs).catch(() => undefined);

	const runName = `optimove_e2e_${process.pid}_${Date.now().toString(36)}`;
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'optimove-queue-'));
	const tarball = packTarball(scratch, options.packageDir);
	await withPostgres(libs.pg, (client) => client.query(`CREATE DATABASE "${runName}"`));

	const processes = [];
	let stopped = false;
	async function stop() {
		if (stopped) return;
		stopped = true;
		// Workers and the webhook processor first (side by side), main last.
		const [main, ...others] = processes;
		await Promise.all(others.map((p) => p.stop().catch(() => undefined)));
		await main?.stop().catch(() => undefined);
		await withPostgres(libs.pg, (client) => client.query(`DROP DATABASE IF EXISTS "${runName}" WITH (FORCE)`)).catch(() => undefined);
		const redis = redisClient(libs.Redis);
		try {
			await redis.connect();
			await deleteKeys(redis, [`${runName}:`]);
		} catch {
			// Redis went away: the keys are pruned by a later run
		} finally {
			redis.disconnect();
		}
		rmSync(scratch, { recursive: true, force: true });
	}

	try {
		const mainPort = options.ports?.main ?? (await freePort());
		let webhookPort = options.ports?.webhook ?? (await freePort());
		while (webhookPort === mainPort) webhookPort = await freePort();
		const webhookBase = `http://127.0.0.1:${webhookPort}/`;
		const common = queueEnv({ runName, mainPort, webhookBase, extra: options.env });
		const { quiet, publication } = options;
		const main = await startN8n({
			command: 'start',
			label: 'main',
			port: mainPort,
			tarball,
			install,
			quiet,
			publication,
			env: { ...common, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		processes.push(main);
		const mainSeconds = (Date.now() - started) / 1000;

		const workerPorts = await freePortsBesides(options.workers ?? 2, [mainPort, webhookPort]);
		const others = await Promise.allSettled([
			startN8n({ command: 'webhook', label: 'webhook', port: webhookPort, tarball, install, quiet, publication, env: common }),
			...workerPorts.map((port, i) =>
				startN8n({
					command: 'worker',
					label: `worker-${i + 1}`,
					args: options.concurrency ? [`--concurrency=${options.concurrency}`] : [],
					// A worker serves /healthz/readiness on QUEUE_HEALTH_CHECK_PORT; N8N_PORT is not listened on.
					port,
					healthPort: port,
					tarball,
					install,
					quiet,
					publication,
					env: { ...common, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', ...options.workerEnv },
				}),
			),
		]);
		for (const result of others) if (result.status === 'fulfilled') processes.push(result.value);
		const failure = others.find((r) => r.status === 'rejected');
		if (failure) throw failure.reason;
		const [webhook, ...workers] = others.map((r) => r.value);
		return {
			main,
			webhook,
			workers,
			processes,
			runName,
			database: runName,
			prefix: runName,
			env: common,
			seconds: { main: mainSeconds, total: (Date.now() - started) / 1000 },
			/** The workers whose output mentions this execution id (n8n logs "Worker started execution <id>"). */
			workersThatRan: (executionId) => workers.filter((w) => new RegExp(`execution ${executionId}\\b`).test(w.logs())),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
