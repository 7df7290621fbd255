#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other (never in parallel: they share the CPU), then
// one table of figures and ratios and bench/results/summary.json.
//
//   node bench/run.mjs [--quick] [--only triggered-approval,campaign-1m,events,trigger-ingest]
//                      [--results-dir bench/results] [--n8n-env KEY=VALUE]... [--summary-only] [--no-build]
//
// From a fresh clone: installs the package's dependencies if missing (as `npm test` does), builds
// dist/ if it is missing or older than nodes/ or credentials/, and the first n8n start installs
// Node 24 + n8n 2.41.1 into the cache (scripts/install-n8n.sh, 5–10 minutes cold).
// --quick: smaller sizes and shorter phases (about 10 minutes instead of about an hour); its results
// go to bench/results/quick/ so they never replace the full figures.
// Each benchmark runs as its own process and writes its own JSON; this script only reads them.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../scripts/lib/args.mjs';
import { runTee } from '../scripts/lib/spawn.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseCli(
	{
		quick: { type: 'boolean', default: false },
		only: { type: 'string' },
		'results-dir': { type: 'string' },
		'n8n-env': { type: 'string', multiple: true, default: [] },
		build: { type: 'boolean', default: true }, // --no-build: use dist/ as it is
		'summary-only': { type: 'boolean', default: false }, // no runs: the table from the JSON already there
	},
	{ usage: 'Usage: node bench/run.mjs [--quick] [--only a,b] [--results-dir DIR] [--n8n-env KEY=VALUE]... [--summary-only] [--no-build]' },
);
const QUICK = args.quick;
const resultsDir = path.resolve(root, args['results-dir'] ?? (QUICK ? 'bench/results/quick' : 'bench/results'));
const rel = (file) => path.relative(root, file);
const n8nEnvArgs = args['n8n-env'].flatMap((pair) => ['--n8n-env', pair]);

// name → how to run it and where its JSON lands.
const BENCHES = {
	'triggered-approval': {
		script: 'bench/triggered-approval.mjs',
		args: QUICK ? ['--duration', '10', '--rounds', '1', '--warmup', '5', '--capacity', '5,10,15,20,30,40', '--retries', '0', '--forged', '10'] : [],
		out: 'triggered-approval.json',
		passOut: true,
		passEnv: true,
	},
	'campaign-1m': {
		script: 'bench/campaign-1m.mjs',
		args: QUICK ? ['--customers', '100000', '--per-customer', '20000'] : [],
		out: 'campaign-1m.json',
	},
	events: {
		script: 'bench/events.mjs',
		args: QUICK ? ['--events', '10000', '--expressions', '1000', '--registrations', '500'] : [],
		out: 'events.json',
	},
	'trigger-ingest': {
		script: 'bench/trigger-ingest.mjs',
		args: QUICK ? ['--duration', '5', '--warmup', '1', '--settle', '6', '--rounds', '2', '--forged', '10'] : [],
		out: 'trigger-ingest.json',
		passOut: true,
		passEnv: true,
	},
};
const selected = args.only ? args.only.split(',') : Object.keys(BENCHES);
for (const name of selected) if (!BENCHES[name]) throw new Error(`unknown benchmark "${name}" (${Object.keys(BENCHES).join(', ')})`);

/** Runs a command with the terminal as its output; Ctrl-C reaches it. Resolves the exit code. */
async function run(command, argv, { env = {} } = {}) {
	return (await runTee(command, argv, { cwd: root, env, collect: false, forwardSignals: true })).code;
}

function newest(dir) {
	let latest = 0;
	if (!existsSync(dir)) return latest;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
	}
	return latest;
}

async function prepare() {
	const marker = path.join(root, 'node_modules', '.package-lock.json');
	if (!existsSync(marker)) {
		console.log('=== install: npm install (as npm test does)');
		if ((await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'])) !== 0) throw new Error('npm install failed');
	}
	const sources = Math.max(newest(path.join(root, 'nodes')), newest(path.join(root, 'credentials')));
	const built = existsSync(path.join(root, 'dist', 'nodes')) ? newest(path.join(root, 'dist')) : 0;
	if (args.build && built < sources) {
		console.log('=== build: npm run build (dist/ missing or older than the sources)');
		if ((await run('npm', ['run', 'build'])) !== 0) throw new Error('npm run build failed');
	}
}

const readJson = (file) => {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
};
const fmt = (x, digits = 1) => (typeof x === 'number' && Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toFixed(digits)) : String(x ?? '–'));

/** Figures of one benchmark's JSON: rows of { benchmark, figure, ours, reference, ratio, target, met }. */
const FIGURES = {
	'triggered-approval'(r) {
		const rows = [];
		const env = Object.keys(r.n8nEnv ?? {}).length ? ` [${Object.entries(r.n8nEnv).map(([k, v]) => `${k}=${v}`).join(' ')}]` : ' [n8n defaults]';
		const p99 = (f) => (f.p99Meaningful === false ? `${f.p99 ?? '–'} (${f.lost} lost)` : f.p99);
		for (const [rate, s] of Object.entries(r.summary ?? {})) {
			if (!s.ours || !s.builtin) continue;
			const ratio = s.p99RatioOursToBuiltin?.medianOfRounds;
			const clean = s.ours.late + s.ours.lost === 0;
			rows.push({
				figure: `p99 notification → approval at ${rate} (ms; ${s.ours.p99Rounds.length} round(s))${env}`,
				ours: p99(s.ours),
				reference: p99(s.builtin),
				ratio: ratio ?? '',
				target: rate === '10/s' ? 'ours ≤ built-in' : '',
				met: rate === '10/s' ? clean && (s.builtin.p99Meaningful === false || (Number.isFinite(s.ours.p99) && s.ours.p99 <= s.builtin.p99)) : undefined,
			});
			rows.push({ figure: `late + lost approvals at ${rate} of ${s.ours.sent}${env}`, ours: s.ours.late + s.ours.lost, reference: s.builtin.late + s.builtin.lost, ratio: '', target: '0', met: clean });
		}
		if (r.capacity?.ours && r.capacity?.builtin) {
			const ratio = r.capacityRatioOursToBuiltin;
			rows.push({
				figure: `capacity /s: highest rate holding ${r.settings.durationSeconds} s, zero late/lost (fails at ${r.capacity.ours.failsAt ?? '–'} vs ${r.capacity.builtin.failsAt ?? '–'})${env}`,
				ours: r.capacity.ours.holds ?? 0,
				reference: r.capacity.builtin.holds ?? 0,
				ratio: ratio ?? '',
				target: 'ratio ≥ 2',
				met: typeof ratio === 'number' ? ratio >= 2 : undefined,
			});
		}
		// (b) n8n's Webhook node + Verify Triggered Notification, in runs that had it.
		for (const [rate, s] of Object.entries(r.summary ?? {})) {
			if (!s.verify || !s.builtin || rate !== '10/s') continue;
			rows.push({
				figure: `p99 at ${rate}, Webhook + Verify Triggered Notification vs built-in flow (ms; ${s.verify.p99Rounds.length} round(s); late + lost ${s.verify.late + s.verify.lost} vs ${s.builtin.late + s.builtin.lost})${env}`,
				ours: p99(s.verify),
				reference: p99(s.builtin),
				ratio: s.p99RatioVerifyToBuiltin?.medianOfRounds ?? '',
				target: '',
				met: undefined,
			});
		}
		if (r.capacity?.verify && r.capacity?.builtin) {
			const ratio = r.capacityRatioVerifyToBuiltin;
			rows.push({
				figure: `capacity /s, Webhook + Verify Triggered Notification vs built-in flow (ramps ${r.capacity.verify.holdsRounds?.join('/') ?? r.capacity.verify.holds} vs ${r.capacity.builtin.holdsRounds?.join('/') ?? r.capacity.builtin.holds})${env}`,
				ours: r.capacity.verify.holds ?? 0,
				reference: r.capacity.builtin.holds ?? 0,
				ratio: ratio ?? '',
				target: 'ratio ≥ 1',
				met: typeof ratio === 'number' ? ratio >= 1 : undefined,
			});
		}
		if (r.cpu?.verify && r.cpu?.builtin) {
			rows.push({ figure: `n8n CPU ms per notification, Webhook + Verify vs built-in flow (median of holding phases)${env}`, ours: r.cpu.verify.msPerNotification.median, reference: r.cpu.builtin.msPerNotification.median, ratio: r.cpu.cpuRatioVerifyToBuiltin ?? '', target: '', met: undefined });
		}
		if (r.forged?.verify) {
			const f = r.forged.verify;
			rows.push({ figure: `forged notifications ×${f.sent} into Webhook + Verify: answers, failed executions, approvals${env}`, ours: `${JSON.stringify(f.byStatus)} failed ${f.failedExecutions} approvals ${f.approvalsSent}`, reference: '', ratio: '', target: '0 approvals', met: f.approvalsSent === 0 });
		}
		if (r.forged?.ours) {
			const show = (f) => (f ? `${JSON.stringify(f.byStatus)} exec ${f.newExecutions}` : '–');
			rows.push({ figure: `forged notifications ×${r.forged.ours.sent}: answers, executions${env}`, ours: show(r.forged.ours), reference: show(r.forged.builtin), ratio: '', target: 'ours: 401, 0 executions', met: !r.forged.ours.byStatus['200'] && (r.forged.ours.newExecutions === 0 || typeof r.forged.ours.newExecutions === 'string') });
		}
		return rows;
	},
	'campaign-1m'(r) {
		return (r.rows ?? []).map((row) => ({
			figure: `${row.customers} customers, ${row.mode}: seconds vs rate-limit floor (429s ${row['429s']}, n8n peak ${row.mainPeakMiB} MiB + runner ${row.runnerPeakMiB} MiB, approvals exact ${row.approvedOk})`,
			ours: Number(row.seconds),
			reference: Number(row.floor10s),
			ratio: Number(row.ratio),
			target: '',
			met: row.approvedOk && row['429s'] === 0,
		}));
	},
	events(r) {
		const rows = [];
		const t = r.throughput;
		if (t?.rows) {
			const node = t.rows.find((x) => /Optimove node \(Item Fields\)/.test(x.phase)) ?? t.rows[1];
			const raw = t.rows.find((x) => /raw/.test(x.phase));
			if (node && raw) rows.push({ figure: `${r.events} OOTB events, events/s (node in n8n vs raw client)`, ours: node['events/s'], reference: raw['events/s'], ratio: t.ratioEndToEnd, target: '', met: undefined });
		}
		const g = r.registration;
		if (g) {
			const seconds = Number(g.seconds);
			const floor = Number(g.floorSeconds ?? g.floor ?? NaN);
			rows.push({ figure: `${g.events} registration events vs the 50/10 s floor (s; 429s ${g.sandbox429s ?? '?'})`, ours: seconds, reference: Number.isFinite(floor) ? floor : '', ratio: Number.isFinite(floor) ? Math.round((seconds / floor) * 1000) / 1000 : '', target: '', met: undefined });
		}
		return rows;
	},
	'trigger-ingest'(r) {
		return (r.summary ?? []).flatMap((s) =>
			['builtin', 'builtinHeaderAuth']
				.filter((name) => s[name])
				.map((name) => ({
					figure: `signed notifications/s into the trigger vs ${name === 'builtin' ? "n8n's Webhook node" : "n8n's Webhook node with Header Auth"}, ${s.concurrency} connection(s) (rounds ${s.ours.rps.join('/')} vs ${s[name].rps.join('/')})`,
					// Results written before the all-rounds figures existed carry medians only.
					ours: s.ours.totalRps ?? s.ours.medianRps,
					reference: s[name].totalRps ?? s[name].medianRps,
					ratio: s[name].ratioOfTotals ?? s[name].ratioMedianOfRounds,
					target: name === 'builtin' ? '≥ 1' : '',
					met: name === 'builtin' ? (s[name].ratioOfTotals ?? s[name].ratioMedianOfRounds) >= 1 : undefined,
				})),
		);
	},
};

function table(rows) {
	const keys = ['benchmark', 'figure', 'ours', 'reference', 'ratio', 'target', 'met'];
	const cells = rows.map((r) => keys.map((k) => (k === 'met' ? (r.met === undefined ? '' : r.met ? 'yes' : 'NO') : typeof r[k] === 'number' ? fmt(r[k], k === 'ratio' ? 2 : 1) : String(r[k] ?? ''))));
	const width = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i].length)));
	const line = (c) => c.map((v, i) => v.padEnd(width[i])).join('  ');
	return [line(keys), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main() {
	const started = Date.now();
	if (!args['summary-only']) await prepare();
	mkdirSync(resultsDir, { recursive: true });
	const runs = {};
	for (const name of args['summary-only'] ? [] : selected) {
		const bench = BENCHES[name];
		const out = path.join(resultsDir, bench.out);
		const argv = [bench.script, ...bench.args, ...(bench.passOut ? ['--out', rel(out)] : []), ...(bench.passEnv ? n8nEnvArgs : [])];
		console.log(`\n=== ${name}: node ${argv.join(' ')}`);
		const t0 = Date.now();
		// campaign-1m and events write through bench/lib.mjs, which honours BENCH_RESULTS_DIR.
		const code = await run(process.execPath, argv, { env: { BENCH_RESULTS_DIR: resultsDir } });
		runs[name] = { exitCode: code, seconds: Math.round((Date.now() - t0) / 100) / 10, result: rel(out) };
		if (code !== 0) console.log(`=== ${name} FAILED (exit ${code})`);
	}

	const rows = [];
	const sources = {};
	for (const name of selected) {
		// The benchmark's own file, then its variants measured with other n8n settings (<name>-*.json).
		const main = BENCHES[name].out;
		const variants = readdirSync(resultsDir).filter((f) => f.startsWith(main.replace(/\.json$/, '-')) && f.endsWith('.json')).sort();
		for (const out of [main, ...variants]) {
			const file = path.join(resultsDir, out);
			const json = readJson(file);
			if (!json) continue;
			sources[out.replace(/\.json$/, '')] = { file: rel(file), date: json.date ?? json.machine?.date, ranNow: out === main && runs[name] ? runs[name].exitCode === 0 : false };
			for (const row of FIGURES[name](json)) rows.push({ benchmark: out === main ? name : out.replace(/\.json$/, ''), ...row });
		}
	}
	const summary = {
		date: new Date().toISOString(),
		quick: QUICK,
		machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, shared: true },
		n8nEnv: args['n8n-env'],
		runs,
		sources,
		figures: rows,
		seconds: Math.round((Date.now() - started) / 1000),
	};
	const file = path.join(resultsDir, 'summary.json');
	writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
	console.log(`\n=== summary (${QUICK ? 'quick sizes' : 'full sizes'}; ratio = ours ÷ reference)\n`);
	console.log(table(rows));
	const failed = Object.entries(runs).filter(([, r]) => r.exitCode !== 0);
	console.log(`\n${Object.keys(runs).length - failed.length} benchmark(s) ran, ${failed.length} failed${failed.length ? `: ${failed.map(([n]) => n).join(', ')}` : ''}; ${rel(file)} (${summary.seconds} s)`);
	process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
