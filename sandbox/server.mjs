// Local Optimove sandbox: plays the Optimove API contract (docs/optimove-api.md) on 127.0.0.1 for
// end-to-end tests, benchmarks and demos. Plain Node.js, no dependencies.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { INTEGRATIONS_ALLOWED, RATE_LIMIT_BODY, SEED_TEMPLATES } from './lib/catalog.mjs';
import { ApprovalStore, actionFor, customerIdFor } from './lib/customers.mjs';
import { handleReportServer } from './lib/events.mjs';
import { createAgents, postJson } from './lib/http-client.mjs';
import { PROMOTION_ROUTES } from './lib/promotions.mjs';
import { buildReport, renderReport } from './lib/report.mjs';
import { REST_ROUTES } from './lib/rest.mjs';
import { TRIGGERED_ROUTES, fireTriggered } from './lib/triggered.mjs';
import { channelCancel, channelReport, channelSend, newChannelState } from './lib/channel.mjs';
import {
	HttpError,
	Ring,
	SlidingWindow,
	createRng,
	hmacHex,
	isPlainObject,
	naiveUtc,
	parseTime,
	signatureMatches,
	sleep,
	toInt,
} from './lib/util.mjs';

export { customerIdFor, promotionEligibility, generatedAttribute, indexOf } from './lib/customers.mjs';
export { hmacHex } from './lib/util.mjs';
export { validateEvent } from './lib/events.mjs';
export { CUSTOMER_ATTRIBUTES, OOTB_EVENTS, RATE_LIMIT_BODY } from './lib/catalog.mjs';

const DEFAULT_FAULTS = {
	rate429: 0,
	rate500: 0,
	resetRate: 0,
	resetAfterRate: 0,
	latencyMs: 0,
	latencyJitterMs: 0,
	spikeRate: 0,
	spikeMs: 0,
	retryAfter: null,
	match: null,
	next: [],
};
const ROLES = new Set(['admin', 'integrations', 'revoked']);
const TRIGGERED_PREFIX = '/conditional-execution/v2/triggered';
const BODY_LIMIT = 64 * 1024 * 1024;

function limiterFrom(opt, fallback, now) {
	if (opt === false || opt === null) return null;
	const cfg = opt === undefined || opt === true ? fallback : { ...fallback, ...opt };
	return cfg ? new SlidingWindow(cfg, now) : null;
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > BODY_LIMIT) {
				reject(new HttpError(413, 'Request body too large.'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export class Sandbox {
	constructor(options = {}) {
		this.options = { port: 0, deliveryTimeoutMs: 30000, callbackDelayMs: 20, eventsKeep: 1000, ...options };
		this.now = typeof options.now === 'function' ? options.now : Date.now;
		const log = options.log;
		this.log = typeof log === 'function' ? log : log === true ? (m) => console.log(`[sandbox] ${m}`) : () => {};
		this.rateLimitBody = RATE_LIMIT_BODY;
		this.keys = new Map([[options.apiKey ?? 'sandbox-api-key', 'admin']]);
		for (const [k, role] of Object.entries(options.apiKeys ?? {})) this.addApiKey(k, role);
		this.config = {
			tenantId: options.tenantId ?? 1234,
			eventsToken: options.eventsToken ?? 'sandbox-events-token',
			webhookSecret: options.webhookSecret ?? 'sandbox-webhook-secret',
			timeoutMs: options.timeoutMs ?? 5000,
		};
		this.agents = createAgents();
		this.timers = new Set();
		for (const m of Object.getOwnPropertyNames(Sandbox.prototype)) {
			if (m !== 'constructor' && typeof this[m] === 'function') this[m] = this[m].bind(this);
		}
		this.configureLimits(options);
		this.reset();
	}

	/** Rebuilds the limiters; keys present in `o` replace the current setting (false disables). */
	configureLimits(o = {}) {
		const def = { limit: 50, windowMs: 10000 };
		this.limitCfg ??= { rateLimit: undefined, triggeredRateLimit: false, promotionsRateLimit: false, eventsRateLimit: undefined };
		for (const k of Object.keys(this.limitCfg)) if (k in o) this.limitCfg[k] = o[k];
		const c = this.limitCfg;
		this.limiters = {
			rest: limiterFrom(c.rateLimit, def, this.now),
			triggered: limiterFrom(c.triggeredRateLimit, def, this.now),
			promotions: limiterFrom(c.promotionsRateLimit, def, this.now),
		};
		this.eventsLimiter = limiterFrom(c.eventsRateLimit, def, this.now);
		return this.limitsSummary();
	}

	limitsSummary() {
		const d = (l) => (l ? { limit: l.limit, windowMs: l.windowMs } : false);
		return {
			rateLimit: d(this.limiters.rest),
			triggeredRateLimit: d(this.limiters.triggered),
			promotionsRateLimit: d(this.limiters.promotions),
			eventsRateLimit: d(this.eventsLimiter),
		};
	}

	addApiKey(key, role = 'admin') {
		if (!ROLES.has(role)) throw new HttpError(400, { error: `role must be one of ${[...ROLES].join(', ')}` });
		this.keys.set(String(key), role);
	}

	/** Fresh recorded state; configuration (keys, tokens, limits) is kept, faults go back to the start options. */
	reset() {
		this.rng = createRng(this.options.seed ?? 42);
		this.faults = { ...DEFAULT_FAULTS, ...(this.options.faults ?? {}), next: [...(this.options.faults?.next ?? [])] };
		for (const l of [this.limiters?.rest, this.limiters?.triggered, this.limiters?.promotions, this.eventsLimiter]) l?.reset();
		const templates = new Map();
		for (const [ch, list] of Object.entries(SEED_TEMPLATES)) templates.set(Number(ch), new Map(list.map((t) => [t.TemplateID, { ...t }])));
		this.state = {
			startedAt: this.now(),
			requests: 0,
			recentRequests: new Ring(1000),
			listeners: new Map(),
			listenerHistory: [],
			listenerDeliveries: new Ring(200),
			campaigns: new Map(),
			templates,
			templateOps: { added: 0, deleted: 0, deleteMissing: 0 },
			metrics: new Ring(1000),
			profiles: new Map(),
			channel: newChannelState(),
			attributeUpdates: { requests: 0, customers: 0, values: 0, errors: {}, callbacks: { sent: 0, ok: 0, failed: 0, recent: new Ring(100) }, recent: new Ring(100) },
			customerReads: { processed: { pages: 0, rows: 0 }, execution: { pages: 0, rows: 0 }, send: { pages: 0, rows: 0 } },
			webhooks: new Map(),
			webhookSeq: 0,
			webhookHistory: [],
			triggeredSettings: { timeout: this.config.timeoutMs, secret: this.config.webhookSecret },
			notifications: new Map(),
			triggered: {
				batchSeq: 0,
				userSeq: 0,
				notifications: 0,
				byMode: {},
				deliveryStatus: {},
				approvals: 0,
				approved: 0,
				rejected: 0,
				lateApprovals: 0,
				duplicateApprovals: 0,
				conflictingDuplicates: 0,
				unknownApprovals: 0,
				invalidApprovals: 0,
				latencies: [],
			},
			events: {
				requests: 0,
				acceptedRequests: 0,
				rejectedRequests: 0,
				accepted: 0,
				rejectedEvents: 0,
				duplicates: 0,
				rateLimited: 0,
				byName: {},
				rejectReasons: {},
				warnings: {},
				dedup: new Set(),
				recent: new Ring(this.options.eventsKeep),
				rejectedRecent: new Ring(100),
			},
			promotions: { validateCalls: 0, contexts: 0, valid: 0, invalid: 0, redemptions: 0, duplicateRedemptions: 0, redemptionKeys: new Set(), recentRedemptions: new Ring(200) },
			keys: {},
			faultsInjected: { 429: 0, 500: 0, reset: 0, resetAfter: 0, delayed: 0, spikes: 0 },
		};
		return { ok: true };
	}

	// ------------------------------------------------------------ lifecycle

	async listen() {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((e) => {
				this.log(`internal error: ${e.stack || e}`);
				if (!res.headersSent) this.send(res, 500, { error: String(e.message || e) });
			});
		});
		this.server.keepAliveTimeout = 65000;
		this.server.headersTimeout = 66000;
		this.server.requestTimeout = 0;
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve);
		});
		this.port = this.server.address().port;
		this.url = `http://127.0.0.1:${this.port}`;
		this.log(`listening on ${this.url}`);
		return this;
	}

	async close() {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.agents.http.destroy();
		this.agents.https.destroy();
		if (!this.server) return;
		const closed = new Promise((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections?.();
		await closed;
	}

	later(ms, fn) {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		this.timers.add(t);
	}

	// ------------------------------------------------------------ HTTP plumbing

	send(res, status, body, headers = {}) {
		if (res.destroyed) return;
		if (body === undefined || status === 204) {
			res.writeHead(status, { 'content-length': 0, ...headers });
			res.end();
			return;
		}
		const text = typeof body === 'string' && headers['content-type']?.startsWith('text/') ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	keyStats(label, role = null) {
		return (this.state.keys[label] ??= { role, requests: 0, statuses: {}, rateLimited: 0, injected429: 0, injected500: 0, resets: 0 });
	}

	countKey429(ctx, field) {
		this.keyStats(ctx.keyLabel)[field]++;
	}

	signatureOk(secret, raw, given) {
		return signatureMatches(hmacHex(secret, raw), given);
	}

	hashKey(s) {
		return createHash('sha1').update(s).digest('base64');
	}

	resolve(method, path) {
		const lower = path.toLowerCase();
		const fromTable = (routes, sub, group) => {
			for (const r of routes) {
				const m = r.re.exec(sub);
				if (!m) continue;
				const params = {};
				(r.names ?? []).forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
				const handler = r.methods[method];
				return handler ? { group, handler, params, routeId: `${group}:${sub}` } : { group, methodNotAllowed: true };
			}
			return null;
		};
		if (lower === '/reportserver') return method === 'POST' ? { group: 'events', handler: handleReportServer, params: {}, routeId: 'reportServer' } : { group: 'events', methodNotAllowed: true };
		if (lower.startsWith(TRIGGERED_PREFIX)) return fromTable(TRIGGERED_ROUTES, path.slice(TRIGGERED_PREFIX.length), 'triggered');
		if (lower.startsWith('/promotions/')) return fromTable(PROMOTION_ROUTES, path.slice('/promotions'.length), 'promotions');
		const seg = path.split('/').filter(Boolean);
		if (seg.length === 2) {
			const id = `${seg[0]}/${seg[1]}`.toLowerCase();
			const r = REST_ROUTES[id];
			if (r) return r[method] ? { group: 'rest', handler: r[method], params: {}, routeId: id } : { group: 'rest', methodNotAllowed: true };
		}
		if (seg.length === 3 && seg[0].toLowerCase() === 'customers' && seg[2].toLowerCase() === 'attributes') {
			const r = REST_ROUTES['customers/:id/attributes'];
			return r[method]
				? { group: 'rest', handler: r[method], params: { customerId: decodeURIComponent(seg[1]) }, routeId: 'customers/:id/attributes' }
				: { group: 'rest', methodNotAllowed: true };
		}
		return null;
	}

	/** Decides the fault for one request (after latency). Returns null | 429 | 500 | 'reset' | 'resetAfter'. */
	async applyFaults(path) {
		const f = this.faults;
		if (f.match && !new RegExp(f.match, 'i').test(path)) return null;
		let delay = f.latencyMs + (f.latencyJitterMs ? this.rng() * f.latencyJitterMs : 0);
		if (f.spikeRate && this.rng() < f.spikeRate) {
			delay += f.spikeMs;
			this.state.faultsInjected.spikes++;
		}
		if (delay > 0) {
			this.state.faultsInjected.delayed++;
			await sleep(delay);
		}
		if (f.next?.length) {
			const n = f.next.shift();
			return n === 429 || n === '429' ? 429 : n === 500 || n === '500' ? 500 : n === 'resetAfter' ? 'resetAfter' : n === 'reset' ? 'reset' : null;
		}
		const total = f.rate429 + f.rate500 + f.resetRate + f.resetAfterRate;
		if (!total) return null;
		const r = this.rng();
		if (r < f.rate429) return 429;
		if (r < f.rate429 + f.rate500) return 500;
		if (r < f.rate429 + f.rate500 + f.resetRate) return 'reset';
		if (r < total) return 'resetAfter';
		return null;
	}

	async handle(req, res) {
		const url = new URL(req.url, 'http://sandbox.local');
		if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) return this.handleControl(req, res, url);
		let raw;
		try {
			raw = await readBody(req);
		} catch (e) {
			if (e instanceof HttpError) this.send(res, e.status, e.body);
			return;
		}
		let path = url.pathname;
		if (/^\/current(\/|$)/i.test(path)) path = path.slice('/current'.length) || '/';
		if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
		this.state.requests++;
		this.state.recentRequests.push({ atMs: this.now(), method: req.method, path });
		const route = this.resolve(req.method, path);
		if (!route) return this.send(res, 404, `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
		if (route.methodNotAllowed) return this.send(res, 405, `The requested resource does not support http method '${req.method}'.`);

		const qmap = new Map();
		for (const [k, v] of url.searchParams) if (!qmap.has(k.toLowerCase())) qmap.set(k.toLowerCase(), v);
		const ctx = {
			method: req.method,
			path,
			params: route.params,
			raw,
			q: (name) => qmap.get(name.toLowerCase()),
			header: (name) => {
				const v = req.headers[name.toLowerCase()];
				return Array.isArray(v) ? v[0] : v;
			},
			keyLabel: '(events)',
		};
		if (raw.length) {
			try {
				ctx.json = JSON.parse(raw.toString('utf8'));
			} catch (e) {
				ctx.jsonError = e.message;
			}
		}

		// Identify the key first (for per-key accounting of faults too).
		let role = null;
		if (route.group !== 'events') {
			const key = ctx.header('x-api-key');
			role = key ? (this.keys.get(key) ?? null) : null;
			ctx.keyLabel = !key ? '(no key)' : role ? key : '(unknown key)';
		}
		const ks = this.keyStats(ctx.keyLabel, role);
		ks.requests++;
		const reply = (status, body, headers) => {
			ks.statuses[status] = (ks.statuses[status] || 0) + 1;
			this.send(res, status, body, headers);
		};

		const fault = await this.applyFaults(path);
		if (fault === 'reset') {
			this.state.faultsInjected.reset++;
			ks.resets++;
			req.socket.destroy();
			return;
		}
		if (fault === 429) {
			this.state.faultsInjected[429]++;
			ks.injected429++;
			const h = this.faults.retryAfter !== null && this.faults.retryAfter !== undefined ? { 'retry-after': String(this.faults.retryAfter) } : {};
			return reply(429, RATE_LIMIT_BODY, h);
		}
		if (fault === 500) {
			this.state.faultsInjected[500]++;
			ks.injected500++;
			return reply(500, route.group === 'rest' ? 'An error has occurred.' : { status: 500, error: 'Internal Server Error', message: 'An error has occurred.' });
		}

		if (route.group !== 'events') {
			if (!role) return reply(401, 'Unauthorized: missing or invalid X-API-KEY.');
			if (role === 'revoked') return reply(403, 'Forbidden: this API key has been revoked.');
			if (role === 'integrations' && !(route.group === 'rest' && INTEGRATIONS_ALLOWED.has(route.routeId))) {
				return reply(403, `Forbidden: this API key (Integrations) has no permission for ${path}. An admin API key is required.`);
			}
			const limiter = this.limiters[route.group];
			if (limiter && !limiter.hit(ctx.keyLabel)) {
				ks.rateLimited++;
				return reply(429, RATE_LIMIT_BODY);
			}
		}

		let out;
		try {
			out = await route.handler(this, ctx);
		} catch (e) {
			if (e instanceof HttpError) return reply(e.status, e.body, e.headers);
			throw e;
		}
		if (fault === 'resetAfter') {
			this.state.faultsInjected.resetAfter++;
			ks.resets++;
			req.socket.destroy();
			return;
		}
		reply(out.status, out.body, out.headers);
	}

	// ------------------------------------------------------------ listeners

	slot(type, channel) {
		return `${type}|${channel ?? ''}`;
	}

	setListener(type, channel, url, by = 'api') {
		const key = this.slot(type, channel);
		const prev = this.state.listeners.get(key);
		this.state.listeners.set(key, { EventTypeID: type, ListenerURL: url, ChannelID: channel ?? null, registeredAt: this.now(), by });
		const action = !prev ? 'register' : prev.ListenerURL === url ? 're-register' : 'replace';
		this.state.listenerHistory.push({ at: naiveUtc(this.now()), atMs: this.now(), action, EventTypeID: type, ChannelID: channel ?? null, ListenerURL: url, previousURL: prev?.ListenerURL ?? null, previousBy: prev?.by ?? null, by });
		this.log(`listener ${action}: type ${type}${channel ? ` channel ${channel}` : ''} → ${url}`);
	}

	removeListener(type, channel, by = 'api') {
		const key = this.slot(type, channel);
		const prev = this.state.listeners.get(key);
		this.state.listeners.delete(key);
		this.state.listenerHistory.push({ at: naiveUtc(this.now()), atMs: this.now(), action: prev ? 'unregister' : 'unregister-missing', EventTypeID: type, ChannelID: channel ?? null, ListenerURL: null, previousURL: prev?.ListenerURL ?? null, previousBy: prev?.by ?? null, by });
	}

	listListeners() {
		return [...this.state.listeners.values()]
			.sort((a, b) => a.EventTypeID - b.EventTypeID || (a.ChannelID ?? 0) - (b.ChannelID ?? 0))
			.map((l) => ({ EventTypeID: l.EventTypeID, ListenerURL: l.ListenerURL, ChannelID: l.ChannelID }));
	}

	/** Registers a listener as another vendor would (control API; no validation beyond the URL). */
	seedListener({ EventTypeID, ChannelID = null, ListenerURL, by = 'foreign-vendor' } = {}) {
		const type = toInt(EventTypeID);
		if (!Number.isInteger(type) || typeof ListenerURL !== 'string') throw new HttpError(400, { error: 'EventTypeID and ListenerURL are required' });
		this.setListener(type, ChannelID === null || ChannelID === undefined ? null : toInt(ChannelID), ListenerURL, by);
		return { ok: true, listeners: this.listListeners() };
	}

	listeners() {
		return {
			listeners: [...this.state.listeners.values()].map((l) => ({ ...l, registeredAt: naiveUtc(l.registeredAt) })),
			history: this.state.listenerHistory,
			deliveries: this.state.listenerDeliveries.toArray(),
		};
	}

	async deliverToListener(type, channel, payload) {
		let l = this.state.listeners.get(this.slot(type, channel));
		if (!l && channel !== null && channel !== undefined) l = this.state.listeners.get(this.slot(type, null));
		if (!l) return { delivered: false, status: null, error: `No listener registered for EventTypeID ${type}${channel ? ` / ChannelID ${channel}` : ''}.`, payload };
		const r = await postJson(l.ListenerURL, payload, { agents: this.agents, timeoutMs: this.options.deliveryTimeoutMs });
		const rec = { at: naiveUtc(this.now()), EventTypeID: type, ChannelID: channel ?? null, url: l.ListenerURL, status: r.status, ms: Math.round(r.ms), error: r.error, payload };
		this.state.listenerDeliveries.push(rec);
		this.log(`fired type ${type} → ${l.ListenerURL}: ${r.status ?? r.error}`);
		return { delivered: r.status !== null, status: r.status, body: r.json ?? r.body, url: l.ListenerURL, payload, ms: Math.round(r.ms), error: r.error };
	}

	// ------------------------------------------------------------ campaigns

	createCampaign(opts = {}) {
		let id = toInt(opts.campaignId ?? opts.CampaignID);
		if (id === undefined) id = Math.max(1358, ...this.state.campaigns.keys()) + 1;
		if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, { error: 'campaignId must be a positive integer' });
		const size = toInt(opts.customers ?? 100);
		if (!Number.isInteger(size) || size < 0 || size > 50_000_000) throw new HttpError(400, { error: 'customers must be an integer 0..50000000' });
		const now = this.now();
		let clearance;
		if (opts.clearanceRequiredBy !== undefined) {
			clearance = parseTime(opts.clearanceRequiredBy);
			if (Number.isNaN(clearance)) throw new HttpError(400, { error: 'clearanceRequiredBy must be epoch ms, ISO 8601 or "YYYY-MM-DD HH:MM:SS" (UTC)' });
		} else clearance = now + Number(opts.clearanceInMs ?? 30 * 60000);
		// Optimove timestamps have whole seconds: round so the naive string round-trips exactly.
		clearance = Math.floor(clearance / 1000) * 1000;
		const attrs = opts.attributes;
		if (attrs !== undefined && !isPlainObject(attrs)) throw new HttpError(400, { error: 'attributes must be an object {RealFieldName: value | [values cycled by index]}' });
		const c = {
			id,
			size,
			createdAt: now,
			clearanceRequiredBy: clearance,
			channelId: toInt(opts.channelId ?? 505),
			conditional: opts.conditional ?? null,
			attributeOverrides: attrs ?? null,
			promoCode: opts.promoCode ?? null,
			details: isPlainObject(opts.details) ? opts.details : {},
			duration: opts.duration ?? 1,
			notifiedAt: null,
			cancelledAt: null,
			approvals: new ApprovalStore(size),
		};
		this.state.campaigns.set(id, c);
		this.log(`campaign ${id}: ${size} customers, clearance ${naiveUtc(clearance)} UTC`);
		return this.campaignSummary(c);
	}

	getCampaignOrThrow(id) {
		const c = this.state.campaigns.get(toInt(id));
		if (!c) throw new HttpError(404, { error: `Campaign ${id} not found` });
		return c;
	}

	isConditional(c) {
		return c.conditional ?? (c.notifiedAt !== null || c.approvals.calls > 0);
	}

	campaignDetails(c) {
		const status = c.cancelledAt ? 'Canceled' : this.now() >= c.clearanceRequiredBy ? 'Executed' : 'Scheduled';
		return {
			TargetGroupID: 100 + (c.id % 50),
			CampaignType: 'Scheduled',
			Duration: c.duration,
			LeadTime: 0,
			Notes: `Sandbox campaign ${c.id}`,
			IsMultiChannel: false,
			IsRecurrence: false,
			Status: status,
			Channels: c.channelId ? [c.channelId] : [],
			Tags: ['sandbox'],
			...c.details,
		};
	}

	campaignSummary(c) {
		return {
			campaignId: c.id,
			customers: c.size,
			channelId: c.channelId,
			clearanceRequiredBy: naiveUtc(c.clearanceRequiredBy),
			clearanceRequiredByMs: c.clearanceRequiredBy,
			createdAt: naiveUtc(c.createdAt),
			notifiedAt: c.notifiedAt ? naiveUtc(c.notifiedAt) : null,
			cancelledAt: c.cancelledAt ? naiveUtc(c.cancelledAt) : null,
			conditional: this.isConditional(c),
			customerIdPattern: `C${c.id}-{k}, k = 1..${c.size}`,
			firstCustomerId: c.size ? customerIdFor(c.id, 1) : null,
			lastCustomerId: c.size ? customerIdFor(c.id, c.size) : null,
		};
	}

	listCampaigns() {
		return [...this.state.campaigns.values()].map(this.campaignSummary);
	}

	campaignReport(c) {
		const counts = c.approvals.counts();
		const wouldReceive = c.cancelledAt ? 0 : this.isConditional(c) ? counts.approved : c.size;
		const sample = [];
		if (!c.cancelledAt) {
			if (this.isConditional(c)) {
				for (const k of c.approvals.approvedIndexes()) {
					sample.push(customerIdFor(c.id, k));
					if (sample.length >= 10) break;
				}
			} else for (let k = 1; k <= Math.min(10, c.size); k++) sample.push(customerIdFor(c.id, k));
		}
		return { ...this.campaignSummary(c), approvals: counts, unknownCustomerSample: c.approvals.unknownSample, wouldReceive, wouldReceiveSample: sample };
	}

	async notifyCampaign(id) {
		const c = this.getCampaignOrThrow(id);
		const now = this.now();
		c.notifiedAt = now;
		const payload = {
			EventTypeID: 5,
			TimeStamp: naiveUtc(now),
			CampaignID: c.id,
			CampaignDuration: c.duration,
			ClearanceRequiredBy: naiveUtc(c.clearanceRequiredBy),
		};
		return this.deliverToListener(5, null, payload);
	}

	async cancelCampaign(id, { notify = true } = {}) {
		const c = this.getCampaignOrThrow(id);
		c.cancelledAt = this.now();
		const fired = notify && this.state.listeners.has(this.slot(4, null))
			? await this.deliverToListener(4, null, { EventTypeID: 4, TimeStamp: naiveUtc(c.cancelledAt), CampaignID: c.id })
			: null;
		return { campaignId: c.id, cancelledAt: naiveUtc(c.cancelledAt), listener: fired };
	}

	/** POSTs a listener payload of `eventTypeId` to its slot. Unknown campaigns are created on the fly. */
	async fireListenerEvent({ eventTypeId, channelId = null, campaignId, customerId, customers, extra = {} } = {}) {
		const type = toInt(eventTypeId);
		if (!Number.isInteger(type)) throw new HttpError(400, { error: 'eventTypeId is required' });
		const channel = channelId === null || channelId === undefined ? null : toInt(channelId);
		const now = naiveUtc(this.now());
		let c = null;
		if ([1, 4, 5, 11, 13].includes(type)) {
			const cid = toInt(campaignId);
			c = cid !== undefined ? this.state.campaigns.get(cid) : [...this.state.campaigns.values()].at(-1);
			if (!c) c = this.state.campaigns.get(this.createCampaign({ campaignId: cid, customers: customers ?? 100, channelId: channel ?? 505 }).campaignId);
		}
		let payload;
		switch (type) {
			case 5:
				c.notifiedAt = this.now();
				payload = { EventTypeID: 5, TimeStamp: now, CampaignID: c.id, CampaignDuration: c.duration, ClearanceRequiredBy: naiveUtc(c.clearanceRequiredBy) };
				break;
			case 13:
				payload = { EventTypeID: 13, TimeStamp: now, CampaignID: c.id, ChannelID: channel ?? c.channelId };
				break;
			case 1:
				payload = { EventTypeID: 1, TimeStamp: now, CampaignID: c.id, ...(channel !== null ? { ChannelID: channel } : {}) };
				break;
			case 4:
				payload = { EventTypeID: 4, TimeStamp: now, CampaignID: c.id };
				break;
			case 11: {
				const k = 1;
				const a = actionFor(k);
				payload = { EventTypeID: 11, TimeStamp: now, CampaignID: c.id, ChannelID: channel ?? c.channelId, CustomerID: customerId ?? customerIdFor(c.id, k), ActionID: a.ActionID, TemplateID: a.TemplateID };
				break;
			}
			case 2:
			case 3:
				payload = { EventTypeID: type, TimeStamp: now };
				break;
			default:
				throw new HttpError(400, { error: `unsupported eventTypeId ${type}` });
		}
		if (isPlainObject(extra)) Object.assign(payload, extra);
		const slotChannel = type === 13 || type === 11 ? payload.ChannelID : channel;
		return this.deliverToListener(type, slotChannel, payload);
	}

	approvals(campaignId) {
		const c = this.getCampaignOrThrow(campaignId);
		const approved = [];
		for (const k of c.approvals.approvedIndexes()) approved.push(customerIdFor(c.id, k));
		const lateApproved = [];
		if (c.approvals.status) {
			const s = c.approvals.status;
			for (let k = 1; k <= c.size; k++) if (s[k] >> 2 === 2) lateApproved.push(customerIdFor(c.id, k));
		}
		return { campaignId: c.id, count: approved.length, approved, lateApproved, counts: c.approvals.counts() };
	}

	// ------------------------------------------------------------ triggered / attributes / events

	fireTriggered(opts = {}) {
		return fireTriggered(this, opts);
	}

	sendAttributeCallback(url, result) {
		const cb = this.state.attributeUpdates.callbacks;
		this.later(this.options.callbackDelayMs, async () => {
			const r = await postJson(url, result, { agents: this.agents, timeoutMs: this.options.deliveryTimeoutMs });
			cb.sent++;
			if (r.status !== null && r.status < 300) cb.ok++;
			else cb.failed++;
			cb.recent.push({ at: naiveUtc(this.now()), url, status: r.status, error: r.error, requestId: result.requestId, isSuccess: result.isSuccess });
		});
	}

	events({ limit = 100 } = {}) {
		const e = this.state.events;
		return {
			accepted: e.accepted,
			acceptedRequests: e.acceptedRequests,
			rejectedRequests: e.rejectedRequests,
			duplicates: e.duplicates,
			rateLimited: e.rateLimited,
			byName: e.byName,
			rejectReasons: e.rejectReasons,
			warnings: e.warnings,
			recent: e.recent.toArray(Number(limit)),
			rejectedRecent: e.rejectedRecent.toArray(Number(limit)),
		};
	}

	notification(uid) {
		const n = this.state.notifications.get(uid);
		if (!n) return null;
		const { sentPerf: _p, ...rest } = n;
		return { ...rest };
	}

	setFaults(f = {}) {
		for (const [k, v] of Object.entries(f)) {
			if (!(k in DEFAULT_FAULTS)) throw new HttpError(400, { error: `unknown fault knob '${k}' (known: ${Object.keys(DEFAULT_FAULTS).join(', ')})` });
			if (k === 'next') this.faults.next = Array.isArray(v) ? [...v] : [];
			else if (k === 'match') this.faults.match = v || null;
			else if (k === 'retryAfter') this.faults.retryAfter = v === null || v === undefined || v === false ? null : Number(v);
			else {
				const n = Number(v);
				if (!Number.isFinite(n) || n < 0 || (/rate/i.test(k) && n > 1)) throw new HttpError(400, { error: `${k} must be a number${/rate/i.test(k) ? ' in [0, 1]' : ' ≥ 0'}` });
				this.faults[k] = n;
			}
		}
		return this.getFaults();
	}

	getFaults() {
		return { ...this.faults, next: [...this.faults.next] };
	}

	setConfig(o = {}) {
		const limits = this.configureLimits(o);
		if (o.timeoutMs !== undefined) this.state.triggeredSettings.timeout = this.config.timeoutMs = Number(o.timeoutMs);
		if (o.webhookSecret !== undefined) this.state.triggeredSettings.secret = this.config.webhookSecret = String(o.webhookSecret);
		if (o.eventsToken !== undefined) this.config.eventsToken = String(o.eventsToken);
		if (isPlainObject(o.apiKeys)) for (const [k, r] of Object.entries(o.apiKeys)) this.addApiKey(k, r);
		return this.getConfig(limits);
	}

	getConfig(limits = this.limitsSummary()) {
		return { ...this.config, apiKeys: Object.fromEntries(this.keys), triggeredSettings: { ...this.state.triggeredSettings }, ...limits, faults: this.getFaults() };
	}

	stateSummary() {
		const s = this.state;
		return {
			requests: s.requests,
			listeners: s.listeners.size,
			campaigns: s.campaigns.size,
			webhooks: s.webhooks.size,
			notifications: s.triggered.notifications,
			triggeredApprovals: s.triggered.approvals,
			eventsAccepted: s.events.accepted,
			eventsRejectedRequests: s.events.rejectedRequests,
			attributeUpdateRequests: s.attributeUpdates.requests,
			promotionValidations: s.promotions.contexts,
			redemptions: s.promotions.redemptions,
			faultsInjected: { ...s.faultsInjected },
		};
	}

	report() {
		return buildReport(this);
	}

	reportText() {
		return renderReport(buildReport(this));
	}

	// ------------------------------------------------------------ control API

	async handleControl(req, res, url) {
		const path = url.pathname.replace(/\/+$/, '');
		const parts = path.split('/').slice(2); // after '', '__sandbox'
		let body = {};
		try {
			const raw = await readBody(req);
			if (raw.length) body = JSON.parse(raw.toString('utf8'));
		} catch (e) {
			return this.send(res, 400, { error: `invalid JSON body: ${e.message}` });
		}
		const q = Object.fromEntries(url.searchParams);
		const m = req.method;
		const route = `${m} /${parts.join('/')}`;
		try {
			let out;
			let status = 200;
			if (route === 'GET /health' || route === 'GET /') out = { ok: true, url: this.url, tenantId: this.config.tenantId, uptimeMs: Math.round(performance.now()) };
			else if (route === 'GET /state') out = this.stateSummary();
			else if (route === 'POST /reset') out = this.reset();
			else if (route === 'GET /faults') out = this.getFaults();
			else if (route === 'POST /faults') out = this.setFaults(body);
			else if (route === 'GET /config') out = this.getConfig();
			else if (route === 'POST /config') out = this.setConfig(body);
			else if (route === 'POST /keys') {
				this.addApiKey(body.key, body.role ?? 'admin');
				out = this.getConfig().apiKeys;
			} else if (route === 'GET /campaigns') out = this.listCampaigns();
			else if (route === 'POST /campaigns') {
				out = this.createCampaign(body);
				status = 201;
				if (body.notify) out.notify = await this.notifyCampaign(out.campaignId);
			} else if (m === 'GET' && parts[0] === 'campaigns' && parts.length === 2) out = this.campaignReport(this.getCampaignOrThrow(parts[1]));
			else if (m === 'POST' && parts[0] === 'campaigns' && parts[2] === 'notify') {
				out = await this.notifyCampaign(parts[1]);
				if (!out.delivered) status = out.status === null && !out.error?.startsWith('No listener') ? 502 : 404;
			} else if (m === 'POST' && parts[0] === 'campaigns' && parts[2] === 'cancel') out = await this.cancelCampaign(parts[1], body);
			else if (route === 'POST /fire') {
				out = await this.fireListenerEvent(body);
				if (!out.delivered) status = out.error?.startsWith('No listener') ? 404 : 502;
			} else if (route === 'POST /listeners/seed') out = this.seedListener(body);
			else if (route === 'GET /listeners') out = this.listeners();
			else if (route === 'GET /requests') out = { total: this.state.recentRequests.total, recent: this.state.recentRequests.toArray() };
			else if (route === 'POST /triggered' && body.async) {
				const id = (this.asyncSeq = (this.asyncSeq ?? 0) + 1);
				const job = { id, done: false, result: null, error: null };
				(this.asyncJobs ??= new Map()).set(id, job);
				this.fireTriggered(body).then(
					(r) => Object.assign(job, { done: true, result: r }),
					(e) => Object.assign(job, { done: true, error: e instanceof HttpError ? e.body : String(e.message || e) }),
				);
				out = { job: id, poll: `/__sandbox/triggered/jobs/${id}` };
				status = 202;
			} else if (route === 'POST /triggered') out = await this.fireTriggered(body);
			else if (m === 'GET' && parts[0] === 'triggered' && parts[1] === 'jobs' && parts.length === 3) {
				out = this.asyncJobs?.get(Number(parts[2])) ?? null;
				if (!out) status = 404;
			}
			else if (route === 'GET /triggered') {
				out = q.uid ? this.notification(q.uid) : buildReport(this).triggered;
				if (!out) status = 404;
			} else if (route === 'GET /report') {
				if (q.format === 'json') out = this.report();
				else return this.send(res, 200, this.reportText(), { 'content-type': 'text/plain; charset=utf-8' });
			} else if (route === 'GET /approvals') out = this.approvals(q.campaignId ?? q.CampaignID);
			else if (route === 'GET /events') out = this.events({ limit: q.limit ?? 100 });
			else if (route === 'POST /channel/send') out = channelSend(this.state.channel, body, naiveUtc(this.now()));
			else if (route === 'POST /channel/cancel') out = channelCancel(this.state.channel, body);
			else if (route === 'GET /channel') out = channelReport(this.state.channel);
			else return this.send(res, 404, { error: `unknown control route ${route}` });
			return this.send(res, status, out ?? null);
		} catch (e) {
			if (e instanceof HttpError) return this.send(res, e.status, e.body);
			this.log(`control error: ${e.stack || e}`);
			return this.send(res, 500, { error: String(e.message || e) });
		}
	}
}

/** Starts a sandbox on 127.0.0.1 and resolves the running instance (see sandbox/README.md). */
export async function startSandbox(options = {}) {
	const sb = new Sandbox(options);
	await sb.listen();
	return sb;
}
