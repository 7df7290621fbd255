#!/usr/bin/env node
// Optimove sandbox CLI. `start` runs the server in the foreground; every other command talks to a
// running sandbox through its control API (--url, default $OPTIMOVE_SANDBOX_URL or http://127.0.0.1:5680).
import { startSandbox } from './server.mjs';
import { parseDuration } from './lib/util.mjs';

const HELP = `Optimove sandbox

Usage: node sandbox/cli.mjs <command> [options]

  start      [--port 5680] [--api-key KEY] [--integration-key KEY] [--no-rate-limit]
             [--tenant 1234] [--events-token T] [--webhook-secret S] [--timeout 5000]
             [--seed 42] [--verbose] [--quiet]
  campaign   --customers 1000 [--clearance 2m | --clearance-at "YYYY-MM-DD HH:MM:SS"]
             [--id 1359] [--channel 505] [--notify]
  notify     --campaign N                      (type-5 notification to the registered listener)
  fire       --type 13 [--channel 505] [--campaign 1360] [--customer ID]
  cancel     --campaign N [--no-notify]
  triggered  [--count 20] [--mode signed|unsigned|forged|tampered] [--rate 10] [--duration 10s]
             [--interval 100ms] [--header optimove-signature-content] [--full] [--async]
  seed-listener --type 5 [--channel 505] --listener-url URL
  listeners | campaigns | state | health | config
  approvals  --campaign N
  events     [--limit 20]
  report     [--json]
  faults     [--429 0.2] [--500 0.1] [--reset 0.05] [--reset-after 0] [--latency 50]
             [--jitter 20] [--spike-rate 0.01] [--spike 2s] [--retry-after 1] [--match REGEX]
             [--next 429,500,reset] [--off]
  limits     [--rate-limit 50/10s | --no-rate-limit] [--triggered-rate-limit 100/1s | off]
  reset

Global: --url http://127.0.0.1:5680 (or env OPTIMOVE_SANDBOX_URL). Durations: 500ms, 90s, 2m, 1h (plain = ms).
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

async function control(base, method, path, body) {
	const res = await fetch(new URL(`/__sandbox${path}`, base), {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	}).catch((e) => {
		throw new Error(`cannot reach the sandbox at ${base} (${e.cause?.code ?? e.message}); start it with: node sandbox/cli.mjs start`);
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
		case 'cancel':
			return print(await control(base, 'POST', `/campaigns/${need('campaign')}/cancel`, { notify: a.notify !== false }));
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
