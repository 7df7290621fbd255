#!/usr/bin/env node
// Optimove sandbox CLI. `start` runs the server in the foreground; every other command talks to a
// running sandbox through its control API (--url, default $OPTIMOVE_SANDBOX_URL or http://127.0.0.1:5680).
import { startSandbox } from './server.mjs';
import { EXAMPLE_WEBHOOKS, eventRows, optimizelyEvents, profileChanges } from './lib/demo.mjs';
import { parseDuration } from './lib/util.mjs';

const HELP = `Optimove sandbox

Usage: node sandbox/cli.mjs <command> [options]

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
  events     [--limit 20]                      (events the sandbox accepted)
  report     [--json]
  faults     [--429 0.2] [--500 0.1] [--reset 0.05] [--reset-after 0] [--latency 50]
             [--jitter 20] [--spike-rate 0.01] [--spike 2s] [--retry-after 1] [--match REGEX]
             [--next 429,500,reset] [--off]
  limits     [--rate-limit 50/10s | --no-rate-limit] [--triggered-rate-limit 100/1s | off]
             [--events-rate-limit 50/10s | off]
  reset

Example workflows (published by npm start):
  execute    --channel 505 --customers 50 [--clearance 10m]
             a campaign executed on a channel: type 13 to example 3 (then \`cancel\` fires type 4)
  profile-sync --count 10                       attribute changes POSTed to example 4's webhook
  events     --rows 100 [--invalid 3]           deposit rows POSTed to example 5's webhook
  optimizely --unsubscribes 5 [--bounces 2] [--soft-bounces 1]
             Optimizely Campaign webhook events POSTed to example 6's webhook

Global: --url http://127.0.0.1:5680 (or env OPTIMOVE_SANDBOX_URL); --n8n http://127.0.0.1:5678 (or env
N8N_URL) for the example webhooks. Durations: 500ms, 90s, 2m, 1h (plain = ms).
`;

function parseArgs(argv) {
	const out = { _: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			out._.push(a);
			continue;
		}
		const eq = a.indexOf('=');
		const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
		if (eq > 0) out[key] = a.slice(eq + 1);
		else if (key.startsWith('no-')) out[key.slice(3)] = false;
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
		else out[key] = true;
	}
	return out;
}

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
	return requestJson(new URL(`/__sandbox${path}`, base), method, body, `cannot reach the sandbox at ${base}; start it with: node sandbox/cli.mjs start`);
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
	const { rows, invalid } = eventRows(Number(a.rows), Number(a.invalid ?? 0));
	const answer = await postToN8n(a, EXAMPLE_WEBHOOKS.eventRows, rows);
	const summary = Array.isArray(answer) ? answer[0] : answer;
	console.log(`${rows.length} rows (${invalid.length} deliberately invalid) → example 5 → ootb_deposit events: ${summary?.sent ?? '?'} sent, ${summary?.invalid ?? '?'} invalid`);
	for (const r of summary?.invalidRows ?? []) console.log(`  row ${r.row} (${r.customer ?? 'no customer'}): ${r.reason}`);
}

/** Example 6: one Optimizely Campaign webhook delivery. */
async function optimizely(base, a) {
	const events = optimizelyEvents({ unsubscribes: Number(a.unsubscribes ?? 5), bounces: Number(a.bounces ?? 2), softBounces: Number(a['soft-bounces'] ?? 1) });
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

async function main() {
	const a = parseArgs(process.argv.slice(2));
	const cmd = a._[0];
	const base = a.url ?? process.env.OPTIMOVE_SANDBOX_URL ?? 'http://127.0.0.1:5680';
	const need = (k, label = k) => {
		if (a[k] === undefined || a[k] === true) throw new Error(`--${label} is required`);
		return a[k];
	};
	switch (cmd) {
		case 'start':
			return start(a);
		case 'campaign': {
			const body = { customers: Number(a.customers ?? 100) };
			if (a.id) body.campaignId = Number(a.id);
			if (a.clearance) body.clearanceInMs = parseDuration(a.clearance);
			if (a['clearance-at']) body.clearanceRequiredBy = a['clearance-at'];
			if (a.channel) body.channelId = Number(a.channel);
			if (a.notify) body.notify = true;
			return print(await control(base, 'POST', '/campaigns', body));
		}
		case 'notify':
			return print(await control(base, 'POST', `/campaigns/${need('campaign')}/notify`));
		case 'cancel': {
			const id = a.campaign !== undefined && a.campaign !== true ? a.campaign : (await control(base, 'GET', '/campaigns')).json?.at(-1)?.campaignId;
			if (id === undefined) throw new Error('no campaign to cancel: create one first (campaign or execute)');
			return print(await control(base, 'POST', `/campaigns/${id}/cancel`, { notify: a.notify !== false }));
		}
		case 'execute':
			return execute(base, a);
		case 'profile-sync':
			return profileSync(a);
		case 'optimizely':
			return optimizely(base, a);
		case 'fire': {
			const body = { eventTypeId: Number(need('type')) };
			if (a.channel) body.channelId = Number(a.channel);
			if (a.campaign) body.campaignId = Number(a.campaign);
			if (a.customer) body.customerId = String(a.customer);
			if (a.customers) body.customers = Number(a.customers);
			return print(await control(base, 'POST', '/fire', body));
		}
		case 'triggered': {
			const body = { count: a.count !== undefined ? Number(a.count) : undefined, mode: a.mode ?? 'signed' };
			if (a.rate) body.ratePerSec = Number(a.rate);
			if (a.duration) body.durationMs = parseDuration(a.duration);
			if (a.interval) body.intervalMs = parseDuration(a.interval);
			if (a.header) body.headerName = a.header;
			if (!a.full) body.results = false;
			if (a.async) body.async = true;
			if (body.count === undefined && !body.durationMs) body.count = 1;
			return print(await control(base, 'POST', '/triggered', body));
		}
		case 'seed-listener': {
			const body = { EventTypeID: Number(need('type')), ListenerURL: need('listener-url') };
			if (a.channel) body.ChannelID = Number(a.channel);
			return print(await control(base, 'POST', '/listeners/seed', body));
		}
		case 'listeners':
		case 'campaigns':
		case 'state':
		case 'health':
		case 'config':
			return print(await control(base, 'GET', `/${cmd}`));
		case 'approvals':
			return print(await control(base, 'GET', `/approvals?campaignId=${encodeURIComponent(need('campaign'))}`));
		case 'events':
			if (a.rows !== undefined) return sendEventRows(a);
			return print(await control(base, 'GET', `/events?limit=${Number(a.limit ?? 20)}`));
		case 'report':
			return print(await control(base, 'GET', a.json ? '/report?format=json' : '/report'));
		case 'faults': {
			const body = {};
			if (a.off) Object.assign(body, { rate429: 0, rate500: 0, resetRate: 0, resetAfterRate: 0, latencyMs: 0, latencyJitterMs: 0, spikeRate: 0, spikeMs: 0, match: null, next: [] });
			if (a['429'] !== undefined) body.rate429 = Number(a['429']);
			if (a['500'] !== undefined) body.rate500 = Number(a['500']);
			if (a.reset !== undefined) body.resetRate = Number(a.reset);
			if (a['reset-after'] !== undefined) body.resetAfterRate = Number(a['reset-after']);
			if (a.latency !== undefined) body.latencyMs = parseDuration(a.latency);
			if (a.jitter !== undefined) body.latencyJitterMs = parseDuration(a.jitter);
			if (a['spike-rate'] !== undefined) body.spikeRate = Number(a['spike-rate']);
			if (a.spike !== undefined) body.spikeMs = parseDuration(a.spike);
			if (a['retry-after'] !== undefined) body.retryAfter = a['retry-after'] === false ? null : Number(a['retry-after']);
			if (a.match !== undefined) body.match = a.match === false ? null : String(a.match);
			if (a.next !== undefined) body.next = String(a.next).split(',').filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
			return print(await control(base, Object.keys(body).length ? 'POST' : 'GET', '/faults', Object.keys(body).length ? body : undefined));
		}
		case 'limits': {
			const body = {};
			if (a['rate-limit'] !== undefined) body.rateLimit = parseLimit(a['rate-limit']);
			if (a['triggered-rate-limit'] !== undefined) body.triggeredRateLimit = parseLimit(a['triggered-rate-limit']);
			if (a['events-rate-limit'] !== undefined) body.eventsRateLimit = parseLimit(a['events-rate-limit']);
			return print(await control(base, Object.keys(body).length ? 'POST' : 'GET', '/config', Object.keys(body).length ? body : undefined));
		}
		case 'reset':
			return print(await control(base, 'POST', '/reset'));
		case undefined:
		case 'help':
		case '--help':
			console.log(HELP);
			return;
		default:
			if (a.help) return console.log(HELP);
			throw new Error(`unknown command '${cmd}'\n\n${HELP}`);
	}
}

main().catch((e) => {
	console.error(`error: ${e.message}`);
	process.exit(1);
});
