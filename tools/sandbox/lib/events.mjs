// Server-side event (reportServer) validation per contract §5.
import {
	DEPRECATED_EVENTS,
	EVENT_TIMESTAMP_RE,
	MAX_PARAM_LENGTH,
	OOTB_EVENTS,
	SNAKE_CASE_RE,
} from './catalog.mjs';
import { isPlainObject } from './util.mjs';

const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validTimestamp(ts) {
	if (typeof ts !== 'string' || !EVENT_TIMESTAMP_RE.test(ts)) return false;
	const d = Date.parse(`${ts.slice(0, 10)}T${ts.slice(11, 19)}Z`);
	return Number.isFinite(d) && new Date(d).toISOString().slice(0, 19) === `${ts.slice(0, 10)}T${ts.slice(11, 19)}`;
}

/**
 * Validates one event. Returns { ok: true, warnings, dedupKey } or { ok: false, reason }.
 * `reason` is a short machine-friendly code followed by detail, e.g. "timestamp_format: ...".
 */
export function validateEvent(ev, tenantId) {
	if (!isPlainObject(ev)) return { ok: false, reason: 'not_an_object: each event must be a JSON object' };
	if (ev.tenant !== tenantId) {
		return { ok: false, reason: `tenant_mismatch: tenant must be the number ${tenantId}, got ${JSON.stringify(ev.tenant)}` };
	}
	if (!validTimestamp(ev.timestamp)) {
		return { ok: false, reason: `timestamp_format: expected "YYYY-MM-DD HH:MM:SS.ssssss UTC", got ${JSON.stringify(ev.timestamp)}` };
	}
	if (typeof ev.event !== 'string' || !SNAKE_CASE_RE.test(ev.event) || ev.event.length > MAX_PARAM_LENGTH) {
		return { ok: false, reason: `event_name: event must be a snake_case string, got ${JSON.stringify(ev.event)}` };
	}
	const hasCustomer = ev.customer !== undefined && ev.customer !== null;
	const hasVisitor = ev.visitor !== undefined && ev.visitor !== null;
	if (hasCustomer === hasVisitor) {
		return { ok: false, reason: 'identity: exactly one of "customer" or "visitor" is required' };
	}
	const who = hasCustomer ? ev.customer : ev.visitor;
	if (typeof who !== 'string' || !who || who.length > MAX_PARAM_LENGTH) {
		return { ok: false, reason: `identity: ${hasCustomer ? 'customer' : 'visitor'} must be a non-empty string ≤ ${MAX_PARAM_LENGTH} chars` };
	}
	if (!isPlainObject(ev.context)) return { ok: false, reason: 'context: "context" must be a JSON object' };
	for (const [k, v] of Object.entries(ev.context)) {
		if (!SNAKE_CASE_RE.test(k) || k.length > MAX_PARAM_LENGTH) {
			return { ok: false, reason: `param_name: context key ${JSON.stringify(k)} is not snake_case` };
		}
		if (v === null || typeof v === 'boolean' || typeof v === 'number') {
			if (typeof v === 'number' && !Number.isFinite(v)) return { ok: false, reason: `param_value: ${k} is not a finite number` };
			continue;
		}
		if (typeof v === 'string') {
			if (v.length > MAX_PARAM_LENGTH) {
				return { ok: false, reason: `param_too_long: ${k} has ${v.length} chars (max ${MAX_PARAM_LENGTH})` };
			}
			continue;
		}
		return { ok: false, reason: `param_value: ${k} must be a string, number, boolean or null (no nested objects/arrays)` };
	}
	const warnings = [];
	let name = ev.event;
	if (DEPRECATED_EVENTS[name]) {
		warnings.push(`deprecated_event: ${name} (use ${DEPRECATED_EVENTS[name]})`);
		name = DEPRECATED_EVENTS[name];
	}
	const spec = OOTB_EVENTS[name];
	let dedupKey;
	if (spec) {
		if (!hasCustomer) return { ok: false, reason: `ootb_customer_required: ${ev.event} needs "customer" (primary key), not "visitor"` };
		for (const p of spec.mandatory) {
			const v = ev.context[p];
			if (v === undefined || v === null || v === '') {
				return { ok: false, reason: `missing_mandatory: ${ev.event} requires context.${p}` };
			}
		}
		for (const [p, allowed] of Object.entries(spec.enums || {})) {
			const v = ev.context[p];
			if (v !== undefined && v !== null && !allowed.includes(v)) warnings.push(`enum: ${p}=${JSON.stringify(v)} not in ${allowed.join('|')}`);
		}
		for (const p of spec.iso || []) {
			const v = ev.context[p];
			if (v !== undefined && v !== null && !(typeof v === 'string' && ISO_UTC_RE.test(v))) warnings.push(`iso_timestamp: ${p} should be ISO 8601 UTC (…Z)`);
		}
		for (const p of spec.dates || []) {
			const v = ev.context[p];
			if (v !== undefined && v !== null && !(typeof v === 'string' && DATE_RE.test(v))) warnings.push(`date: ${p} should be YYYY-MM-DD`);
		}
		dedupKey = spec.primaryKeys
			.map((p) => (p === 'customer' ? ev.customer : p === 'timestamp' ? ev.timestamp : String(ev.context[p])))
			.join('\u0001');
		dedupKey = `${name}\u0001${dedupKey}`;
	} else {
		// Custom events: identical envelope + context is a duplicate.
		dedupKey = `${ev.event}\u0001${hasCustomer ? 'c' : 'v'}${who}\u0001${ev.timestamp}\u0001${JSON.stringify(ev.context)}`;
	}
	return { ok: true, warnings, dedupKey, name };
}

/**
 * Handles one POST /reportServer. Signature failures → 401; envelope/event validation failures →
 * 200 {"status":"error"}; registration-limited requests over 50/10 s → 429 (Optimove body).
 */
export function handleReportServer(sb, ctx) {
	const st = sb.state.events;
	st.requests++;
	const version = ctx.header('x-optimove-signature-version');
	const sig = ctx.header('x-optimove-signature-content');
	const reject = (reason, status = 200, message) => {
		st.rejectedRequests++;
		const code = reason.split(':')[0];
		st.rejectReasons[code] = (st.rejectReasons[code] || 0) + 1;
		st.rejectedRecent.push({ at: sb.now(), reason, body: ctx.raw.toString('utf8', 0, 500) });
		return { status, body: { status: 'error', message: message ?? `Failed to validate the event: ${reason}` } };
	};
	if (version !== '1') return reject(`signature_version: X-Optimove-Signature-Version must be "1", got ${JSON.stringify(version ?? null)}`, 401, 'Invalid signature version');
	if (!sig) return reject('signature_missing: X-Optimove-Signature-Content header is required', 401, 'Missing signature');
	if (!sb.signatureOk(sb.config.eventsToken, ctx.raw, sig)) return reject('signature_mismatch: HMAC-SHA256 over the raw body does not match', 401, 'Invalid signature');
	if (ctx.jsonError) return reject(`invalid_json: ${ctx.jsonError}`);
	let events = ctx.json;
	if (isPlainObject(events)) events = [events];
	if (!Array.isArray(events)) return reject('body: expected a JSON array of events (or one event object)');
	if (events.length === 0) return reject('batch_size: the array is empty');
	if (events.length > 10) return reject(`batch_size: at most 10 events per request, got ${events.length}`);
	if (sb.eventsLimiter && events.some((e) => isPlainObject(e) && (e.event === 'ootb_registration' || e.event === 'ootb_user_details_update'))) {
		if (!sb.eventsLimiter.hit('tenant')) {
			st.rateLimited++;
			sb.countKey429(ctx, 'rateLimited');
			return { status: 429, body: sb.rateLimitBody };
		}
	}
	const results = [];
	for (const [i, ev] of events.entries()) {
		const r = validateEvent(ev, sb.config.tenantId);
		if (!r.ok) {
			st.rejectedEvents += events.length;
			return reject(`${r.reason} (event #${i})`);
		}
		results.push(r);
	}
	const at = sb.now();
	for (const [i, ev] of events.entries()) {
		const r = results[i];
		st.accepted++;
		st.byName[ev.event] = (st.byName[ev.event] || 0) + 1;
		for (const w of r.warnings) {
			const code = w.split(':')[0];
			st.warnings[code] = (st.warnings[code] || 0) + 1;
		}
		const key = r.dedupKey.length > 80 ? sb.hashKey(r.dedupKey) : r.dedupKey;
		if (st.dedup.has(key)) st.duplicates++;
		else st.dedup.add(key);
		st.recent.push({ receivedAt: at, ...ev });
	}
	st.acceptedRequests++;
	return { status: 200, body: { status: 'success', message: `${events.length} event(s) received` } };
}
