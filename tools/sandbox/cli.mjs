#!/usr/bin/env node
// Optimove sandbox CLI. `start` runs the server in the foreground; every other command talks to a
// running sandbox through its control API (--url, default $OPTIMOVE_SANDBOX_URL or http://127.0.0.1:5680).
import { startSandbox } from './server.mjs';
import { EXAMPLE_WEBHOOKS, eventRows, optimizelyEvents, profileChanges } from './lib/demo.mjs';
import { parseDuration } from './lib/util.mjs';
import { parseCli } from '../../scripts/lib/args.mjs';

const HELP = `Optimove sandbox

Usage: node tools/sandbox/cli.mjs <command> [options]      (npm run sandbox -- <command> [options])

The sandbox
  start      [--port 5680] [--api-key KEY] [--integration-key KEY] [--no-rate-limit]
             [--tenant 1234] [--events-token T] [--webhook-secret S] [--timeout 5000]
             [--seed 42] [--verbose] [--quiet]
  campaign   --customers 1000 [--clearance 2m | --clearance-at "YYYY-MM-DD HH:MM:SS"]
             [--id 1359] [--channel 505] [--notify]
  notify     --campaign N                      (type-5 notification to the registered listener)
  fire       --type 13 [--channel 505] [--campaign 1360] [--customer ID] [--customers 100]
  cancel     [--campaign N] [--no-notify]       (default: the newest campaign; type 4 to its listener)
  triggered  [--count 20] [--mode signed|unsigned|forged|tampered] [--rate 10] [--duration 10s]
             [--interval 100ms] [--header optimove-signature-content] [--full] [--async]
  seed-listener --type 5 [--channel 505] --listener-url URL
  listeners | campaigns | state | health | config
  approvals  --campaign N
  accepted-events [--limit 20]                  (server-side events the sandbox accepted)
  report     [--json]
  faults     [--429 0.2] [--500 0.1] [--reset 0.05] [--reset-after 0] [--latency 50]
             [--jitter 20] [--spike-rate 0.01] [--spike 2s] [--retry-after 1 | --no-retry-after]
             [--match REGEX | --no-match] [--next 429,500,reset] [--off]
  limits     [--rate-limit 50/10s | --no-rate-limit] [--triggered-rate-limit 100/1s | off]
             [--events-rate-limit 50/10s | off]
  reset

Example workflows (published by npm start)
  execute    --channel 505 --customers 50 [--clearance 10m] [--campaign N]
             a campaign executed on a channel: type 13 to example 3 (then \`cancel\` fires type 4)
  profile-sync --count 10                       attribute changes POSTed to example 4's webhook
  events     --rows 100 [--invalid 3]           deposit rows POSTed to example 5's webhook
  optimizely --unsubscribes 5 [--bounces 2] [--soft-bounces 0]
             Optimizely Campaign webhook events POSTed to example 6's webhook

Global: --url http://127.0.0.1:5680 (or env OPTIMOVE_SANDBOX_URL); --n8n http://127.0.0.1:5678 (or env
N8N_URL) for the example webhooks. Durations: 500ms, 90s, 2m, 1h (plain = ms). \`--no-x\` turns x off.
`;

function parseLimit(v) {
	if (v === false || v === 'off' || v === 'false') return false;
	const m = /^(\d+)\/(.+)$/.exec(String(v));
	if (!m) throw new Error(`limit must look like 50/10s, got ${v}`);
	return { limit: Number(m[1]), windowMs: parseDuration(m[2]) };
}

/** A JSON request: `{ status, json, text }` (json undefined when the answer is not JSON). */
async function requestJson(url, method, body, unreachable) {
	const res = await fetch(url, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	}).catch((e) => {
		throw new Error(`${unreachable} (${e.cause?.code ?? e.message})`);
	});
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, json, text };
}

function control(base, method, path, body) {
	return requestJson(new URL(`/__sandbox${path}`, base), method, body, `cannot reach the sandbox at ${base}; start it with: node tools/sandbox/cli.mjs start`);
}

function print(r) {
	console.log(r.json !== undefined ? JSON.stringify(r.json, null, 2) : r.text);
	if (r.status >= 400) process.exitCode = 1;
}

async function start(a) {
	const port = a.port !== undefined ? Number(a.port) : 5680;
	const apiKey = a['api-key'] ?? 'sandbox-api-key';
	const integrationKey = a['integration-key'] ?? 'sandbox-integration-key';
	const sb = await startSandbox({
		port,
		apiKey,
		apiKeys: integrationKey ? { [integrationKey]: 'integrations' } : {},
		rateLimit: a['rate-limit'] === false ? false : a['rate-limit'] ? parseLimit(a['rate-limit']) : undefined,
		tenantId: a.tenant ? Number(a.tenant) : undefined,
		eventsToken: a['events-token'],
		webhookSecret: a['webhook-secret'],
		timeoutMs: a.timeout ? parseDuration(a.timeout) : undefined,
		seed: a.seed !== undefined ? Number(a.seed) : undefined,
		log: a.quiet ? false : a.verbose ? (m) => console.log(`[sandbox] ${new Date().toISOString()} ${m}`) : (m) => console.log(`[sandbox] ${m}`),
	});
	const c = sb.getConfig();
	console.log(`Optimove sandbox listening on ${sb.url}
  REST base URL       ${sb.url}            (also ${sb.url}/current)
  admin API key       ${apiKey}
  integrations key    ${integrationKey || '(none)'}
  rate limit          ${c.rateLimit ? `${c.rateLimit.limit} per ${c.rateLimit.windowMs} ms per key` : 'off'}
  events endpoint     ${sb.url}/reportServer   tenant ${c.tenantId}, token ${c.eventsToken}
  triggered           ${sb.url}/conditional-execution/v2/triggered   secret ${c.webhookSecret}, timeout ${c.timeoutMs} ms
  promotions base URL ${sb.url}/promotions
  control API         ${sb.url}/__sandbox   (report: ${sb.url}/__sandbox/report)
Ctrl-C to stop.`);
	const stop = async () => {
		await sb.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

// ---------------------------------------------------------------- example workflow demos

function n8nBase(a) {
	return String(a.n8n ?? process.env.N8N_URL ?? 'http://127.0.0.1:5678').replace(/\/+$/, '');
}

async function postToN8n(a, webhookPath, body) {
	const url = `${n8nBase(a)}/webhook/${webhookPath}`;
	const { status, json, text } = await requestJson(url, 'POST', body, `cannot reach n8n at ${url}; is npm start running? (--n8n URL)`);
	if (status === 404) throw new Error(`n8n answered 404 for ${url}: is the example workflow published? ${text.slice(0, 200)}`);
	if (status >= 400) throw new Error(`n8n answered ${status} for ${url}: ${text.slice(0, 500)}`);
	return json ?? text;
}

/** Example 3: a campaign for N customers on a channel, executed (type 13). */
async function execute(base, a) {
	const channelId = Number(a.channel ?? 505);
	const body = { customers: Number(a.customers ?? 50), channelId, clearanceInMs: parseDuration(a.clearance ?? '10m') };
	if (a.campaign) body.campaignId = Number(a.campaign);
	const created = await control(base, 'POST', '/campaigns', body);
	if (created.status >= 400) return print(created);
	const { campaignId, customers } = created.json;
	const fired = await control(base, 'POST', '/fire', { eventTypeId: 13, campaignId, channelId });
	console.log(`campaign ${campaignId}: ${customers} customers executed on channel ${channelId}; type 13 → ${fired.json?.url ?? '(no listener)'}: ${fired.json?.status ?? fired.json?.error}`);
	if (fired.status >= 400) {
		process.exitCode = 1;
		return;
	}
	console.log(`Next: npm run sandbox -- report   (Channel provider: who receives it)\n      npm run sandbox -- cancel --campaign ${campaignId}   (type 4: the workflow withdraws the messages)`);
}

/** Example 4: attribute changes from "your system". */
async function profileSync(a) {
	const changes = profileChanges(Number(a.count ?? 10));
	const results = await postToN8n(a, EXAMPLE_WEBHOOKS.profileSync, changes);
	const list = Array.isArray(results) ? results : [results];
	console.log(`${changes.length} attribute changes → example 4 → Optimove UpdateCustomerAttributes: ${list.filter((r) => r.sent).length} sent, ${list.filter((r) => r.error).length} failed`);
	for (const c of changes.slice(0, 5)) console.log(`  ${c.customerId}: ${Object.entries(c.attributes).map(([k, v]) => `${k}=${v}`).join(', ')}`);
	for (const r of list.filter((x) => x.error)) console.log(`  failed ${r.customerId ?? ''}: ${r.error}`);
}

/** Example 5: deposit rows, some invalid. */
async function sendEventRows(a) {
	if (a.rows === undefined) throw new Error('events needs --rows N (deposit rows for example 5); to list the events the sandbox accepted: accepted-events');
	const { rows, invalid } = eventRows(Number(a.rows), Number(a.invalid ?? 0));
	const answer = await postToN8n(a, EXAMPLE_WEBHOOKS.eventRows, rows);
	const summary = Array.isArray(answer) ? answer[0] : answer;
	console.log(`${rows.length} rows (${invalid.length} deliberately invalid) → example 5 → ootb_deposit events: ${summary?.sent ?? '?'} sent, ${summary?.invalid ?? '?'} invalid`);
	for (const r of summary?.invalidRows ?? []) console.log(`  row ${r.row} (${r.customer ?? 'no customer'}): ${r.reason}`);
}

/** Example 6: one Optimizely Campaign webhook delivery. */
async function optimizely(base, a) {
	const events = optimizelyEvents({ unsubscribes: Number(a.unsubscribes ?? 5), bounces: Number(a.bounces ?? 2), softBounces: Number(a['soft-bounces'] ?? 0) });
	const before = (await control(base, 'GET', '/report?format=json')).json?.attributes?.requests ?? 0;
	await postToN8n(a, EXAMPLE_WEBHOOKS.optimizely, events);
	console.log(`${events.length} Optimizely Campaign events (${events.map((e) => `${e.type}${e.bounceType ? `/${e.bounceType}` : ''}`).join(', ')}) → example 6`);
	// The Webhook answers at once (as Optimizely expects); wait for the update to reach the sandbox.
	for (let i = 0; i < 40; i++) {
		const r = (await control(base, 'GET', '/report?format=json')).json?.attributes;
		if ((r?.requests ?? 0) > before) {
			const ids = new Set(events.map((e) => e.recipientId));
			for (const p of r.recentProfiles.filter((x) => ids.has(x.customerId))) console.log(`  ${p.customerId}: ${Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join(', ')}`);
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	console.log('  (no attribute update reached the sandbox within 10 s: check the execution in n8n)');
}

const str = { type: 'string' };
const bool = { type: 'boolean' };
const offable = { type: 'string', negatable: true };
const GLOBAL_OPTIONS = { url: str, n8n: str };

/** A control-API read: GET /__sandbox/<command>. */
const read = (route) => ({ options: {}, run: (base) => controlPrint(base, 'GET', route) });

/** Every command: its options (node:util parseArgs, through scripts/lib/args.mjs) and what it does. */
const COMMANDS = {
	start: {
		options: { port: str, 'api-key': str, 'integration-key': offable, 'rate-limit': offable, tenant: str, 'events-token': str, 'webhook-secret': str, timeout: str, seed: str, verbose: bool, quiet: bool },
		run: (_base, a) => start(a),
	},
	campaign: {
		options: { customers: str, clearance: str, 'clearance-at': str, id: str, channel: str, notify: bool },
		run(base, a) {
			const body = { customers: Number(a.customers ?? 100) };
			if (a.id) body.campaignId = Number(a.id);
			if (a.clearance) body.clearanceInMs = parseDuration(a.clearance);
			if (a['clearance-at']) body.clearanceRequiredBy = a['clearance-at'];
			if (a.channel) body.channelId = Number(a.channel);
			if (a.notify) body.notify = true;
			return controlPrint(base, 'POST', '/campaigns', body);
		},
	},
	notify: { options: { campaign: str }, run: (base, a) => controlPrint(base, 'POST', `/campaigns/${need(a, 'campaign')}/notify`) },
	cancel: {
		options: { campaign: str, notify: { type: 'boolean', default: true } },
		async run(base, a) {
			const id = a.campaign ?? (await control(base, 'GET', '/campaigns')).json?.at(-1)?.campaignId;
			if (id === undefined) throw new Error('no campaign to cancel: create one first (campaign or execute)');
			return controlPrint(base, 'POST', `/campaigns/${id}/cancel`, { notify: a.notify });
		},
	},
	fire: {
		options: { type: str, channel: str, campaign: str, customer: str, customers: str },
		run(base, a) {
			const body = { eventTypeId: Number(need(a, 'type')) };
			if (a.channel) body.channelId = Number(a.channel);
			if (a.campaign) body.campaignId = Number(a.campaign);
			if (a.customer) body.customerId = String(a.customer);
			if (a.customers) body.customers = Number(a.customers);
			return controlPrint(base, 'POST', '/fire', body);
		},
	},
	triggered: {
		options: { count: str, mode: str, rate: str, duration: str, interval: str, header: str, full: bool, async: bool },
		run(base, a) {
			const body = { count: a.count !== undefined ? Number(a.count) : undefined, mode: a.mode ?? 'signed' };
			if (a.rate) body.ratePerSec = Number(a.rate);
			if (a.duration) body.durationMs = parseDuration(a.duration);
			if (a.interval) body.intervalMs = parseDuration(a.interval);
			if (a.header) body.headerName = a.header;
			if (!a.full) body.results = false;
			if (a.async) body.async = true;
			if (body.count === undefined && !body.durationMs) body.count = 1;
			return controlPrint(base, 'POST', '/triggered', body);
		},
	},
	'seed-listener': {
		options: { type: str, channel: str, 'listener-url': str },
		run(base, a) {
			const body = { EventTypeID: Number(need(a, 'type')), ListenerURL: need(a, 'listener-url') };
			if (a.channel) body.ChannelID = Number(a.channel);
			return controlPrint(base, 'POST', '/listeners/seed', body);
		},
	},
	listeners: read('/listeners'),
	campaigns: read('/campaigns'),
	state: read('/state'),
	health: read('/health'),
	config: read('/config'),
	approvals: { options: { campaign: str }, run: (base, a) => controlPrint(base, 'GET', `/approvals?campaignId=${encodeURIComponent(need(a, 'campaign'))}`) },
	'accepted-events': { options: { limit: str }, run: (base, a) => controlPrint(base, 'GET', `/events?limit=${Number(a.limit ?? 20)}`) },
	report: { options: { json: bool }, run: (base, a) => controlPrint(base, 'GET', a.json ? '/report?format=json' : '/report') },
	faults: {
		options: { 429: str, 500: str, reset: str, 'reset-after': str, latency: str, jitter: str, 'spike-rate': str, spike: str, 'retry-after': offable, match: offable, next: str, off: bool },
		run(base, a) {
			const body = {};
			if (a.off) Object.assign(body, { rate429: 0, rate500: 0, resetRate: 0, resetAfterRate: 0, latencyMs: 0, latencyJitterMs: 0, spikeRate: 0, spikeMs: 0, match: null, next: [] });
			for (const [option, knob, parse] of FAULT_OPTIONS) if (a[option] !== undefined) body[knob] = parse(a[option]);
			return Object.keys(body).length ? controlPrint(base, 'POST', '/faults', body) : controlPrint(base, 'GET', '/faults');
		},
	},
	limits: {
		options: { 'rate-limit': offable, 'triggered-rate-limit': offable, 'events-rate-limit': offable },
		run(base, a) {
			const body = {};
			if (a['rate-limit'] !== undefined) body.rateLimit = parseLimit(a['rate-limit']);
			if (a['triggered-rate-limit'] !== undefined) body.triggeredRateLimit = parseLimit(a['triggered-rate-limit']);
			if (a['events-rate-limit'] !== undefined) body.eventsRateLimit = parseLimit(a['events-rate-limit']);
			return Object.keys(body).length ? controlPrint(base, 'POST', '/config', body) : controlPrint(base, 'GET', '/config');
		},
	},
	reset: { options: {}, run: (base) => controlPrint(base, 'POST', '/reset') },
	execute: { options: { channel: str, customers: str, clearance: str, campaign: str }, run: (base, a) => execute(base, a) },
	'profile-sync': { options: { count: str }, run: (_base, a) => profileSync(a) },
	events: { options: { rows: str, invalid: str }, run: (_base, a) => sendEventRows(a) },
	optimizely: { options: { unsubscribes: str, bounces: str, 'soft-bounces': str }, run: (base, a) => optimizely(base, a) },
};

/** `faults` options → the control API's knob and how the value is read (`--no-x` gives false: off). */
const FAULT_OPTIONS = [
	['429', 'rate429', Number],
	['500', 'rate500', Number],
	['reset', 'resetRate', Number],
	['reset-after', 'resetAfterRate', Number],
	['latency', 'latencyMs', parseDuration],
	['jitter', 'latencyJitterMs', parseDuration],
	['spike-rate', 'spikeRate', Number],
	['spike', 'spikeMs', parseDuration],
	['retry-after', 'retryAfter', (v) => (v === false ? null : Number(v))],
	['match', 'match', (v) => (v === false ? null : String(v))],
	['next', 'next', (v) => String(v).split(',').filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x))],
];

/** The help lines of one command (its line and the indented lines under it). */
function usageOf(name) {
	const lines = HELP.split('\n');
	const first = lines.findIndex((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
	if (first < 0) return `node tools/sandbox/cli.mjs ${name}   (see --help)`;
	let last = first + 1;
	while (last < lines.length && /^ {13}/.test(lines[last])) last++;
	return `Usage:\n${lines.slice(first, last).join('\n')}\n(all commands: node tools/sandbox/cli.mjs --help)`;
}

function need(a, key) {
	if (a[key] === undefined || a[key] === '') throw new Error(`--${key} is required`);
	return a[key];
}

async function controlPrint(base, method, route, body) {
	print(await control(base, method, route, body));
}

async function main() {
	const argv = process.argv.slice(2);
	const name = argv[0];
	if (name === undefined || name === 'help' || name === '--help' || name === '-h') return console.log(HELP);
	const command = COMMANDS[name];
	if (!command) throw new Error(`unknown command '${name}'\n\n${HELP}`);
	const a = parseCli({ ...GLOBAL_OPTIONS, ...command.options }, { argv: argv.slice(1), usage: usageOf(name), exit: false });
	if (a.help) return console.log(HELP);
	if (a._.length) throw new Error(`${name} takes no argument '${a._[0]}' (options start with --)`);
	const base = a.url ?? process.env.OPTIMOVE_SANDBOX_URL ?? 'http://127.0.0.1:5680';
	return command.run(base, a);
}

main().catch((e) => {
	console.error(`error: ${e.message}`);
	process.exit(1);
});
