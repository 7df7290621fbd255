// The sandbox report: structured (JSON) and human-readable.
import { channelReport } from './channel.mjs';
import { latencyStats, naiveUtc } from './util.mjs';

/** Profiles listed by the report (the newest); the text says how many of how many it shows. */
const RECENT_PROFILES = 20;

export function buildReport(sb) {
	const s = sb.state;
	const now = sb.now();
	return {
		generatedAt: naiveUtc(now),
		url: sb.url,
		tenantId: sb.config.tenantId,
		requests: s.requests,
		listeners: listenersReport(sb),
		campaigns: [...s.campaigns.values()].map((c) => sb.campaignReport(c)),
		triggered: triggeredReport(sb, now),
		events: eventsReport(s.events),
		attributes: attributesReport(s),
		promotions: promotionsReport(s.promotions),
		channel: channelReport(s.channel),
		templates: Object.fromEntries([...s.templates].map(([ch, m]) => [ch, [...m.values()]])),
		templateOps: s.templateOps,
		campaignMetrics: { count: s.metrics.total, recent: s.metrics.toArray(10) },
		customerReads: s.customerReads,
		keys: s.keys,
		faults: { config: sb.getFaults(), injected: s.faultsInjected },
	};
}

function listenersReport(sb) {
	const s = sb.state;
	return {
		registered: sb.listListeners(),
		history: s.listenerHistory,
		replacements: s.listenerHistory.filter((h) => h.action === 'replace').length,
		unregisterMissing: s.listenerHistory.filter((h) => h.action === 'unregister-missing').length,
		deliveries: { count: s.listenerDeliveries.total, recent: s.listenerDeliveries.toArray(20) },
	};
}

/** Notifications without an approval (past their deadline or not yet) and approvals of unsigned, forged or tampered ones. */
function notificationOutcomes(notifications, now) {
	const outcome = { unanswered: 0, pending: 0, approvedUnverified: 0, answeredUnverified: {} };
	for (const n of notifications.values()) {
		if (!n.approval) {
			if (now > n.deadline) outcome.unanswered++;
			else outcome.pending++;
		} else if (n.mode !== 'signed') {
			outcome.answeredUnverified[n.mode] = (outcome.answeredUnverified[n.mode] || 0) + 1;
			if (n.approval.approved) outcome.approvedUnverified++;
		}
	}
	return outcome;
}

function triggeredReport(sb, now) {
	const s = sb.state;
	const t = s.triggered;
	const { unanswered, pending, approvedUnverified, answeredUnverified } = notificationOutcomes(s.notifications, now);
	return {
		webhooks: [...s.webhooks.values()],
		settings: { timeout: s.triggeredSettings.timeout, secretSet: !!s.triggeredSettings.secret },
		notifications: t.notifications,
		byMode: t.byMode,
		deliveryStatus: t.deliveryStatus,
		approvals: t.approvals,
		approved: t.approved,
		rejected: t.rejected,
		late: t.lateApprovals,
		unanswered,
		pending,
		duplicates: t.duplicateApprovals,
		conflictingDuplicates: t.conflictingDuplicates,
		unknownRequestUid: t.unknownApprovals,
		invalidApprovals: t.invalidApprovals,
		answeredUnverified,
		approvedUnverified,
		latencyMs: latencyStats(t.latencies),
	};
}

function eventsReport(e) {
	return {
		requests: e.requests,
		acceptedRequests: e.acceptedRequests,
		accepted: e.accepted,
		rejectedRequests: e.rejectedRequests,
		rejectedEvents: e.rejectedEvents,
		rejectReasons: e.rejectReasons,
		duplicates: e.duplicates,
		rateLimited: e.rateLimited,
		byName: e.byName,
		warnings: e.warnings,
		lastRejected: e.rejectedRecent.toArray(5),
	};
}

function attributesReport(s) {
	const au = s.attributeUpdates;
	return {
		requests: au.requests,
		customers: au.customers,
		values: au.values,
		errors: au.errors,
		profilesStored: s.profiles.size,
		recentProfiles: [...s.profiles].slice(-RECENT_PROFILES).map(([customerId, attrs]) => ({ customerId, values: Object.fromEntries([...attrs.values()].map((a) => [a.RealFieldName, a.Value])) })),
		callbacks: { sent: au.callbacks.sent, ok: au.callbacks.ok, failed: au.callbacks.failed, recent: au.callbacks.recent.toArray(10) },
	};
}

function promotionsReport(p) {
	return {
		validateCalls: p.validateCalls,
		validations: p.contexts,
		valid: p.valid,
		invalid: p.invalid,
		redemptions: p.redemptions,
		duplicateRedemptions: p.duplicateRedemptions,
	};
}

const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');

export function renderReport(r) {
	const L = [];
	L.push(`Optimove sandbox report — ${r.generatedAt} UTC — ${r.url} (tenant ${r.tenantId}), ${r.requests} API requests`);
	L.push('');
	L.push('Listeners');
	if (!r.listeners.registered.length) L.push('  (none registered)');
	for (const l of r.listeners.registered) L.push(`  type ${l.EventTypeID}${l.ChannelID !== null ? ` channel ${l.ChannelID}` : ''} → ${l.ListenerURL}`);
	L.push(`  history: ${r.listeners.history.length} changes, ${r.listeners.replacements} replacements, ${r.listeners.unregisterMissing} unregister of empty slot; deliveries: ${r.listeners.deliveries.count}`);
	for (const h of r.listeners.history.filter((x) => x.action === 'replace')) {
		L.push(`    replaced type ${h.EventTypeID}${h.ChannelID !== null ? `/${h.ChannelID}` : ''}: ${h.previousURL} (${h.previousBy}) → ${h.ListenerURL} (${h.by})`);
	}
	L.push('');
	L.push('Campaigns');
	if (!r.campaigns.length) L.push('  (none)');
	for (const c of r.campaigns) {
		const a = c.approvals;
		L.push(`  ${c.campaignId}: ${c.customers} customers${c.conditional ? `, clearance ${c.clearanceRequiredBy} UTC` : ''}${c.cancelledAt ? `, CANCELLED ${c.cancelledAt}` : ''}${c.notifiedAt ? `, notified ${c.notifiedAt}` : ''}`);
		if (c.conditional) {
			L.push(`    approved ${a.approved} (${pct(a.approved, a.targetGroup)}), rejected ${a.rejected} (reported false ${a.rejectedReported}, never reported ${a.neverReported}), late reports: ${a.lateApproved} approved / ${a.lateRejected} rejected`);
			L.push(`    ${a.calls} UpdateCustomerPromotionStatus calls (${a.lateCalls} late), ${a.reports} entries, ${a.overwrites} overwrites, ${a.unknownCustomers} unknown customers`);
		}
		L.push(`    would receive (${c.cancelledAt ? 'cancelled' : c.conditional ? 'conditional: approved on time' : 'not conditional: whole target group'}): ${c.wouldReceive}${c.wouldReceiveSample.length ? ` (e.g. ${c.wouldReceiveSample.slice(0, 5).join(', ')})` : ''}`);
	}
	L.push('');
	const t = r.triggered;
	L.push('Triggered conditional execution');
	L.push(`  webhooks: ${t.webhooks.map((w) => `${w.id} → ${w.url}`).join(', ') || '(none)'}; timeout ${t.settings.timeout} ms`);
	L.push(`  notifications ${t.notifications} ${JSON.stringify(t.byMode)}, deliveries ${JSON.stringify(t.deliveryStatus)}`);
	L.push(`  approvals ${t.approvals} (approved ${t.approved}, rejected ${t.rejected}), late ${t.late}, unanswered ${t.unanswered}, pending ${t.pending}, duplicates ${t.duplicates}, unknown uid ${t.unknownRequestUid}`);
	L.push(`  approved although not validly signed: ${t.approvedUnverified}`);
	const lat = t.latencyMs;
	L.push(`  approval latency ms: p50 ${lat.p50 ?? '-'}, p90 ${lat.p90 ?? '-'}, p99 ${lat.p99 ?? '-'}, max ${lat.max ?? '-'} (n=${lat.count})`);
	L.push('');
	const e = r.events;
	L.push('Server-side events');
	L.push(`  accepted ${e.accepted} events in ${e.acceptedRequests} requests; rejected requests ${e.rejectedRequests}; duplicates ${e.duplicates}; rate-limited ${e.rateLimited}`);
	if (Object.keys(e.byName).length) L.push(`  by event: ${Object.entries(e.byName).map(([k, v]) => `${k}=${v}`).join(', ')}`);
	if (Object.keys(e.rejectReasons).length) L.push(`  reject reasons: ${Object.entries(e.rejectReasons).map(([k, v]) => `${k}=${v}`).join(', ')}`);
	for (const x of e.lastRejected) L.push(`    rejected ${naiveUtc(x.at)}: ${x.reason}`);
	if (Object.keys(e.warnings).length) L.push(`  warnings: ${Object.entries(e.warnings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
	L.push('');
	const a = r.attributes;
	L.push('Customer attributes');
	L.push(`  ${a.requests} update requests, ${a.customers} customers, ${a.values} values stored, errors ${JSON.stringify(a.errors)}, callbacks sent ${a.callbacks.sent} (ok ${a.callbacks.ok}, failed ${a.callbacks.failed})`);
	if (a.recentProfiles.length < a.profilesStored) L.push(`  the newest ${a.recentProfiles.length} of ${a.profilesStored} profiles shown:`);
	for (const p of a.recentProfiles) L.push(`    ${p.customerId}: ${Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join(', ')}`);
	L.push('');
	const ch = r.channel;
	L.push('Channel provider (example 3\'s stand-in for push/SMS)');
	L.push(`  ${ch.sent} messages scheduled, ${ch.withdrawn} withdrawn on cancellation, ${ch.duplicates} duplicates`);
	for (const c of ch.campaigns) {
		L.push(`  campaign ${c.campaignId}${c.channelId !== null ? ` channel ${c.channelId}` : ''}: ${c.delivered} will receive, ${c.withdrawn} withdrawn; templates ${Object.entries(c.byTemplate).map(([k, v]) => `${k}×${v}`).join(', ')}${c.sample.length ? ` (e.g. ${c.sample.slice(0, 3).map((m) => `${m.customerId}: "${m.text}"`).join('; ')})` : ''}`);
	}
	L.push('');
	const p = r.promotions;
	L.push('Promotions');
	L.push(`  ${p.validations} validations (${p.valid} valid, ${p.invalid} not eligible) in ${p.validateCalls} calls; ${p.redemptions} redemptions (${p.duplicateRedemptions} duplicates)`);
	L.push('');
	L.push('Channel side');
	L.push(`  templates: ${Object.entries(r.templates).map(([ch, l]) => `${ch}: ${l.map((x) => x.TemplateID).join(',') || '-'}`).join('; ')}; metrics updates ${r.campaignMetrics.count}`);
	L.push(`  customer reads: ${Object.entries(r.customerReads).map(([k, v]) => `${k} ${v.rows} rows/${v.pages} pages`).join(', ')}`);
	L.push('');
	L.push('API keys');
	for (const [k, v] of Object.entries(r.keys)) {
		L.push(`  ${k}${v.role ? ` (${v.role})` : ''}: ${v.requests} requests, statuses ${JSON.stringify(v.statuses)}, rate-limited ${v.rateLimited}, injected 429 ${v.injected429} / 500 ${v.injected500} / resets ${v.resets}`);
	}
	L.push('');
	L.push(`Faults injected: ${JSON.stringify(r.faults.injected)}`);
	return L.join('\n') + '\n';
}
