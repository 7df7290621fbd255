// Triggered conditional execution v2 (contract §4): webhooks, settings, approvals, and the
// notification generator used by tests and latency benchmarks.
import { performance } from 'node:perf_hooks';
import { COUNTRIES, FIRST_NAMES, VIP_LEVELS } from './catalog.mjs';
import { HttpError, hmacHex, isHttpUrl, isPlainObject, sleep, utcDate, uuidFrom } from './util.mjs';
import { postRaw } from './http-client.mjs';

const err = (status, message) =>
	new HttpError(status, { status, error: { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' }[status] ?? 'Error', message });

function body(ctx) {
	if (ctx.jsonError) throw err(400, `The request body is not valid JSON: ${ctx.jsonError}`);
	if (!isPlainObject(ctx.json)) throw err(400, 'The request body must be a JSON object.');
	return ctx.json;
}

export function createWebhook(sb, ctx) {
	const b = body(ctx);
	if (!isHttpUrl(b.url)) throw err(400, `url must be an absolute http(s) URL, got ${JSON.stringify(b.url)}.`);
	const id = `webhook${++sb.state.webhookSeq}`;
	const hook = { url: b.url, id };
	sb.state.webhooks.set(id, hook);
	sb.state.webhookHistory.push({ at: sb.now(), action: 'create', ...hook });
	sb.log(`triggered: webhook ${id} → ${b.url}`);
	return { status: 201, body: hook };
}

export function listWebhooks(sb) {
	return { status: 200, body: [...sb.state.webhooks.values()] };
}

export function getWebhook(sb, ctx) {
	const h = sb.state.webhooks.get(ctx.params.id);
	if (!h) throw err(404, `Webhook '${ctx.params.id}' was not found.`);
	return { status: 200, body: h };
}

export function deleteWebhook(sb, ctx) {
	const h = sb.state.webhooks.get(ctx.params.id);
	if (!h) throw err(404, `Webhook '${ctx.params.id}' was not found.`);
	sb.state.webhooks.delete(ctx.params.id);
	sb.state.webhookHistory.push({ at: sb.now(), action: 'delete', ...h });
	return { status: 204 };
}

export function getSettings(sb) {
	return { status: 200, body: { ...sb.state.triggeredSettings } };
}

export function putSettings(sb, ctx) {
	const b = body(ctx);
	const next = { ...sb.state.triggeredSettings };
	if (b.timeout !== undefined) {
		if (!Number.isInteger(b.timeout) || b.timeout < 100 || b.timeout > 120000) {
			throw err(400, `timeout must be an integer number of milliseconds (100–120000), got ${JSON.stringify(b.timeout)}.`);
		}
		next.timeout = b.timeout;
	}
	if (b.secret !== undefined) {
		if (typeof b.secret !== 'string') throw err(400, 'secret must be a string.');
		next.secret = b.secret;
	}
	sb.state.triggeredSettings = next;
	return { status: 200, body: { ...next } };
}

export function approval(sb, ctx) {
	const b = body(ctx);
	const st = sb.state.triggered;
	const perf = performance.now();
	const now = sb.now();
	if (typeof b.request_uid !== 'string' || !b.request_uid) {
		st.invalidApprovals++;
		throw err(400, 'request_uid is required.');
	}
	if (typeof b.approved !== 'boolean') {
		st.invalidApprovals++;
		throw err(400, `approved must be a boolean, got ${JSON.stringify(b.approved)}.`);
	}
	if (typeof b.timestamp !== 'number' || !Number.isFinite(b.timestamp)) {
		st.invalidApprovals++;
		throw err(400, `timestamp must be epoch milliseconds (number), got ${JSON.stringify(b.timestamp)}.`);
	}
	if (b.additional_data !== undefined && b.additional_data !== null && !isPlainObject(b.additional_data)) {
		st.invalidApprovals++;
		throw err(400, 'additional_data must be an object.');
	}
	const n = sb.state.notifications.get(b.request_uid);
	if (!n) {
		st.unknownApprovals++;
		throw err(404, `Unknown request_uid '${b.request_uid}'.`);
	}
	const answer = {
		at: now,
		approved: b.approved,
		latencyMs: n.sentPerf === null ? null : Math.round((perf - n.sentPerf) * 1000) / 1000,
		late: now > n.deadline,
		timestampLooksLikeSeconds: b.timestamp < 1e12,
		additionalData: b.additional_data ?? null,
	};
	if (n.approval) {
		n.duplicates++;
		st.duplicateApprovals++;
		if (n.approval.approved !== b.approved) st.conflictingDuplicates++;
	} else {
		n.approval = answer;
		st.approvals++;
		if (answer.late) st.lateApprovals++;
		if (b.approved) st.approved++;
		else st.rejected++;
		if (answer.latencyMs !== null) st.latencies.push(answer.latencyMs);
	}
	return { status: 200 };
}

export const TRIGGERED_ROUTES = [
	{ re: /^\/webhooks$/, methods: { POST: createWebhook, GET: listWebhooks } },
	{ re: /^\/webhooks\/([^/]+)$/, names: ['id'], methods: { GET: getWebhook, DELETE: deleteWebhook } },
	{ re: /^\/settings$/, methods: { GET: getSettings, PUT: putSettings } },
	{ re: /^\/approval$/, methods: { POST: approval } },
];

// ---------------------------------------------------------------- generator

export function buildNotification(sb, { uid, userId, campaignId, timeoutMs, seq }) {
	const now = sb.now();
	const k = seq;
	return {
		timestamp: now,
		conditional_execution_approval_deadline: now + timeoutMs,
		request_uid: uid,
		is_hashed: false,
		user: {
			user_id: userId,
			is_visitor: false,
			personalization: {
				first_name: FIRST_NAMES[k % FIRST_NAMES.length],
				country: COUNTRIES[k % COUNTRIES.length],
				vip_level: VIP_LEVELS[k % VIP_LEVELS.length],
			},
		},
		occurrence: {
			date: utcDate(now),
			series_id: `series-${campaignId}`,
			occurrence_id: `occ-${campaignId}-${utcDate(now)}`,
			target_group: { id: 77, name: 'First-time depositors' },
			notes: 'Sandbox triggered campaign',
			tags: ['sandbox', 'triggered'],
			communication_type: 'triggered',
			action: {
				id: 1,
				name: 'Deposit bonus',
				is_control: false,
				promotions: [{ name: 'Deposit bonus 10%', code: 'DEP10' }],
				channels: [{ id: 506, name: 'Push', brand_id: 'brand-1', template: { id: 8, name: 'Reload Push' } }],
			},
		},
		trigger_context: {
			id: campaignId,
			name: 'First deposit',
			events: [
				{
					key: 'ootb_deposit',
					timestamp: Math.floor(now / 1000),
					parameters: { ootb_transaction_id: `tx-${campaignId}-${k}`, ootb_deposit_amount: 10 + (k % 90), ootb_currency: 'EUR' },
				},
			],
		},
	};
}

const FIRE_MODES = ['signed', 'unsigned', 'forged', 'tampered'];

/** What a fire request asks for, checked: mode, target webhooks, how many, how fast. */
function firePlan(sb, opts) {
	const mode = opts.mode ?? 'signed';
	if (!FIRE_MODES.includes(mode)) throw err(400, `mode must be ${FIRE_MODES.join('|')}, got ${mode}`);
	// opts.urls (benchmarks): deliver only to these URLs instead of every registered webhook.
	const hooks = Array.isArray(opts.urls) ? opts.urls.map((url, i) => ({ id: `url${i + 1}`, url: String(url) })) : [...sb.state.webhooks.values()];
	if (!hooks.length) throw err(404, 'No triggered webhooks are registered.');
	const rate = opts.ratePerSec ? Number(opts.ratePerSec) : null;
	let count = opts.count !== undefined ? Number(opts.count) : undefined;
	if (count === undefined && rate && opts.durationMs) count = Math.ceil((Number(opts.durationMs) * rate) / 1000);
	count ??= 1;
	if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw err(400, `count must be an integer 0..1000000, got ${opts.count}`);
	return { mode, hooks, rate, count };
}

/**
 * The bytes sent and the signature header for `mode`: signed right, unsigned, signed wrong, or
 * signed and then changed (the user becomes `<userId>-tampered`).
 */
function signedForMode(mode, secret, headerName, payload, userId) {
	const raw = Buffer.from(JSON.stringify(payload));
	if (mode === 'signed' && secret) return { sent: raw, headers: { [headerName]: hmacHex(secret, raw) } };
	if (mode === 'forged') return { sent: raw, headers: { [headerName]: hmacHex(`${secret || 'x'}-forged`, raw) } };
	if (mode === 'tampered') {
		const changed = { ...payload, user: { ...payload.user, user_id: `${userId}-tampered` } };
		return { sent: Buffer.from(JSON.stringify(changed)), headers: { [headerName]: hmacHex(secret || 'x', raw) } };
	}
	return { sent: raw, headers: {} };
}

/** Calls `sendOne(i)` for i < count: on a fixed timer at `rate` per second (open loop), else one after another with `intervalMs` between. */
async function paced(count, { rate, intervalMs }, sendOne) {
	if (rate) {
		const t0 = performance.now();
		const pending = [];
		for (let i = 0; i < count; i++) {
			const wait = t0 + (i * 1000) / rate - performance.now();
			if (wait > 1) await sleep(wait);
			pending.push(sendOne(i));
		}
		await Promise.all(pending);
		return;
	}
	for (let i = 0; i < count; i++) {
		await sendOne(i);
		if (intervalMs && i < count - 1) await sleep(Number(intervalMs));
	}
}

/**
 * Sends `count` triggered notifications to every registered webhook.
 * mode: 'signed' (tenant secret) | 'unsigned' | 'forged' (wrong secret) | 'tampered' (body changed after signing).
 * urls: deliver to these URLs only (default: every registered webhook).
 * Open loop when ratePerSec is given (fixed timer, never waits for answers); otherwise each
 * notification waits for its answers, then `intervalMs`.
 */
export async function fireTriggered(sb, opts = {}) {
	const { mode, hooks, rate, count } = firePlan(sb, opts);
	const headerName = (opts.headerName ?? 'optimove-signature-content').toLowerCase();
	const campaignId = Number(opts.campaignId ?? 2001);
	const { secret, timeout } = sb.state.triggeredSettings;
	const timeoutMs = Number(opts.timeoutMs ?? timeout);
	const st = sb.state.triggered;
	const batch = { id: ++st.batchSeq, mode, count, startedAt: sb.now(), results: [], byStatus: {} };

	const sendOne = async (i) => {
		const seq = ++st.userSeq;
		const uid = opts.requestUids?.[i] ?? uuidFrom(sb.rng);
		const userId = opts.userIds?.[i % opts.userIds.length] ?? `C${campaignId}-${seq}`;
		let payload = buildNotification(sb, { uid, userId, campaignId, timeoutMs, seq });
		if (isPlainObject(opts.payload)) payload = { ...payload, ...opts.payload, request_uid: uid };
		const { sent, headers } = signedForMode(mode, secret, headerName, payload, userId);
		const rec = {
			uid,
			userId,
			mode,
			sentAt: sb.now(),
			sentPerf: null,
			deadline: payload.conditional_execution_approval_deadline,
			deliveries: [],
			approval: null,
			duplicates: 0,
		};
		sb.state.notifications.set(uid, rec);
		st.notifications++;
		st.byMode[mode] = (st.byMode[mode] || 0) + 1;
		const results = await Promise.all(
			hooks.map((h) =>
				postRaw(h.url, sent, {
					headers,
					agents: sb.agents,
					timeoutMs: sb.options.deliveryTimeoutMs,
					onSent: () => {
						rec.sentPerf ??= performance.now();
					},
				}).then((r) => ({ webhookId: h.id, url: h.url, status: r.status, ms: Math.round(r.ms * 1000) / 1000, error: r.error, body: r.body.slice(0, 500) })),
			),
		);
		rec.deliveries = results.map(({ body: _b, ...rest }) => rest);
		for (const r of results) {
			const key = r.status ?? 'error';
			st.deliveryStatus[key] = (st.deliveryStatus[key] || 0) + 1;
			batch.byStatus[key] = (batch.byStatus[key] || 0) + 1;
		}
		const out = { request_uid: uid, user_id: userId, sentAt: rec.sentAt, deliveries: results };
		if (opts.results !== false) batch.results.push(out);
		return out;
	};

	const t0 = performance.now();
	await paced(count, { rate, intervalMs: opts.intervalMs }, sendOne);
	batch.durationMs = Math.round(performance.now() - t0);
	return {
		batch: batch.id,
		mode,
		count,
		webhooks: hooks.length,
		ratePerSec: rate,
		durationMs: batch.durationMs,
		byStatus: batch.byStatus,
		results: opts.results === false ? undefined : batch.results,
	};
}
