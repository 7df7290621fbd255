// The sandbox's state and configuration: recorded state (reset to fresh), API keys, rate limiters,
// tokens and timeouts, and the summaries read from them (state, events, report). Mixed into Sandbox.
import { SEED_TEMPLATES } from './catalog.mjs';
import { newChannelState } from './channel.mjs';
import { initialFaults } from './faults.mjs';
import { buildReport, renderReport } from './report.mjs';
import { HttpError, Ring, SlidingWindow, createRng, isPlainObject } from './util.mjs';

const ROLES = new Set(['admin', 'integrations', 'revoked']);

function limiterFrom(opt, fallback, now) {
	if (opt === false || opt === null) return null;
	const cfg = opt === undefined || opt === true ? fallback : { ...fallback, ...opt };
	return cfg ? new SlidingWindow(cfg, now) : null;
}

/** Everything the sandbox records, empty. */
function freshState(sb) {
	const templates = new Map();
	for (const [ch, list] of Object.entries(SEED_TEMPLATES)) templates.set(Number(ch), new Map(list.map((t) => [t.TemplateID, { ...t }])));
	return {
		startedAt: sb.now(),
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
		triggeredSettings: { timeout: sb.config.timeoutMs, secret: sb.config.webhookSecret },
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
			recent: new Ring(sb.options.eventsKeep),
			rejectedRecent: new Ring(100),
		},
		promotions: { validateCalls: 0, contexts: 0, valid: 0, invalid: 0, redemptions: 0, duplicateRedemptions: 0, redemptionKeys: new Set(), recentRedemptions: new Ring(200) },
		keys: {},
		faultsInjected: { 429: 0, 500: 0, reset: 0, resetAfter: 0, delayed: 0, spikes: 0 },
	};
}

export const stateMethods = {
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
	},

	limitsSummary() {
		const d = (l) => (l ? { limit: l.limit, windowMs: l.windowMs } : false);
		return {
			rateLimit: d(this.limiters.rest),
			triggeredRateLimit: d(this.limiters.triggered),
			promotionsRateLimit: d(this.limiters.promotions),
			eventsRateLimit: d(this.eventsLimiter),
		};
	},

	addApiKey(key, role = 'admin') {
		if (!ROLES.has(role)) throw new HttpError(400, { error: `role must be one of ${[...ROLES].join(', ')}` });
		this.keys.set(String(key), role);
	},

	/** Fresh recorded state; configuration (keys, tokens, limits) is kept, faults go back to the start options. */
	reset() {
		this.rng = createRng(this.options.seed ?? 42);
		this.faults = initialFaults(this.options.faults);
		for (const l of [this.limiters?.rest, this.limiters?.triggered, this.limiters?.promotions, this.eventsLimiter]) l?.reset();
		this.state = freshState(this);
		return { ok: true };
	},

	setConfig(o = {}) {
		const limits = this.configureLimits(o);
		if (o.timeoutMs !== undefined) this.state.triggeredSettings.timeout = this.config.timeoutMs = Number(o.timeoutMs);
		if (o.webhookSecret !== undefined) this.state.triggeredSettings.secret = this.config.webhookSecret = String(o.webhookSecret);
		if (o.eventsToken !== undefined) this.config.eventsToken = String(o.eventsToken);
		if (isPlainObject(o.apiKeys)) for (const [k, r] of Object.entries(o.apiKeys)) this.addApiKey(k, r);
		return this.getConfig(limits);
	},

	getConfig(limits = this.limitsSummary()) {
		return { ...this.config, apiKeys: Object.fromEntries(this.keys), triggeredSettings: { ...this.state.triggeredSettings }, ...limits, faults: this.getFaults() };
	},

	keyStats(label, role = null) {
		return (this.state.keys[label] ??= { role, requests: 0, statuses: {}, rateLimited: 0, injected429: 0, injected500: 0, resets: 0 });
	},

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
	},

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
	},

	notification(uid) {
		const n = this.state.notifications.get(uid);
		if (!n) return null;
		const { sentPerf: _p, ...rest } = n;
		return { ...rest };
	},

	report() {
		return buildReport(this);
	},

	reportText() {
		return renderReport(buildReport(this));
	},
};
