// Shared by the benchmarks: a real n8n + the sandbox, timing, memory and result files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../tools/sandbox/server.mjs';
import { createCredentials } from '../tools/n8n/fixtures.mjs';
import { N8N_VERSION, startN8n } from '../tools/n8n/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startBench({ sandbox: sandboxOptions = {}, n8nEnv = {} } = {}) {
	const sandbox = await startSandbox({ port: 0, log: false, ...sandboxOptions });
	const n8n = await startN8n({ quiet: true, env: n8nEnv });
	const credentials = await createCredentials(n8n, sandbox);
	return {
		sandbox,
		n8n,
		credentials,
		async stop() {
			await n8n.stop();
			await sandbox.close();
		},
	};
}

/** n8n's environment from `--engine` and repeatable `--n8n-env KEY=VALUE` options. */
export function n8nEnvFrom({ engine, pairs = [] }) {
	const env = {};
	if (engine) env.N8N_EXPRESSION_ENGINE = engine;
	for (const pair of pairs) {
		const cut = pair.indexOf('=');
		if (cut < 1) throw new Error(`--n8n-env takes KEY=VALUE, got "${pair}"`);
		env[pair.slice(0, cut)] = pair.slice(cut + 1);
	}
	return env;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median of numbers (NaN for none). */
export function median(values) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank quantile of an ascending array (NaN for none): p99 of 100 values is the 99th. */
export const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

/** Rounded to 1 or 3 decimals for results; null when not a finite number. */
export const r1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
export const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc; 0 when gone). */
export function cpuMs(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ; // utime + stime
	} catch {
		return 0;
	}
}
const USER_HZ = 100;

/** Peak resident memory (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** The machine a result was measured on (2 shared cores here: the load generator runs beside n8n). */
export function machine() {
	return {
		date: new Date().toISOString(),
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model,
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		platform: `${os.platform()} ${os.release()}`,
		node: process.version,
		n8n: N8N_VERSION,
		shared: true,
	};
}

/** Writes `result` with the machine block (and the expression engine) first to `file` → its path relative to the working folder. */
export function writeResultFile(file, result) {
	mkdirSync(path.dirname(file), { recursive: true });
	// The engine n8n inherits from this shell, unless the benchmark says which one it started n8n with.
	const expressionEngine = process.env.N8N_EXPRESSION_ENGINE || "n8n's default";
	writeFileSync(file, `${JSON.stringify({ machine: machine(), expressionEngine, ...result }, null, 2)}\n`);
	return path.relative(process.cwd(), file);
}

/** Writes bench/results/<name>.json (or into BENCH_RESULTS_DIR, which `bench/run.mjs --quick` sets). */
export function writeResult(name, result) {
	const dir = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(here, 'results');
	return writeResultFile(path.join(dir, `${name}.json`), result);
}

export function table(rows) {
	const keys = Object.keys(rows[0]);
	const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
	const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
	return [line(keys), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k])))].join('\n');
}
