// Promotions API (contract §7), served under the `/promotions` base path.
import { TIER_REWARDS, promotionEligibility } from './customers.mjs';
import { HttpError, isPlainObject } from './util.mjs';

const err = (status, message) => new HttpError(status, { status, error: status === 404 ? 'Not Found' : 'Bad Request', message });

function jsonBody(ctx) {
	if (ctx.jsonError) throw err(400, `The request body is not valid JSON: ${ctx.jsonError}`);
	return ctx.json;
}
const isId = (v) => (typeof v === 'string' && v !== '') || Number.isFinite(v);

/** Promocode ids starting with "unknown" (case-insensitive) answer 404; every other id exists. */
export function validateCustomers(sb, ctx) {
	const promocodeId = ctx.params.promocodeId;
	const b = jsonBody(ctx);
	if (!isPlainObject(b) || !Array.isArray(b.contexts)) throw err(400, 'Body must be {"contexts":[…],"campaignData":{…}}.');
	if (b.contexts.length === 0 || b.contexts.length > 1000) throw err(400, `contexts must hold 1–1000 entries, got ${b.contexts.length}.`);
	if (b.campaignData !== undefined && !isPlainObject(b.campaignData)) throw err(400, 'campaignData must be an object.');
	for (const [i, c] of b.contexts.entries()) {
		if (!isPlainObject(c) || !isId(c.customerId)) throw err(400, `contexts[${i}].customerId is required.`);
	}
	if (/^unknown/i.test(promocodeId)) throw err(404, `Promocode '${promocodeId}' was not found.`);
	const st = sb.state.promotions;
	st.validateCalls++;
	const results = b.contexts.map((c) => {
		const e = promotionEligibility(c.customerId);
		st.contexts++;
		if (e.valid) st.valid++;
		else st.invalid++;
		return {
			customerId: c.customerId,
			valid: e.valid,
			tier: e.tier,
			effects: e.valid ? [{ type: 'bonus', promocodeId, amount: TIER_REWARDS[e.tier], currency: 'EUR' }] : [],
			...(e.reason ? { reason: e.reason } : {}),
		};
	});
	return { status: 200, body: results };
}

export function redemptions(sb, ctx) {
	let b = jsonBody(ctx);
	if (isPlainObject(b)) b = [b];
	if (!Array.isArray(b) || b.length === 0 || b.length > 1000) throw err(400, 'Body must be an array of 1–1000 redemptions.');
	for (const [i, r] of b.entries()) {
		if (!isPlainObject(r) || !isId(r.promotionId) || !isId(r.customerId)) {
			throw err(400, `redemptions[${i}] needs promotionId and customerId.`);
		}
		if (r.timestamp !== undefined && !(Number.isFinite(r.timestamp) || (typeof r.timestamp === 'string' && !Number.isNaN(Date.parse(r.timestamp))))) {
			throw err(400, `redemptions[${i}].timestamp must be epoch ms or an ISO 8601 string.`);
		}
	}
	const st = sb.state.promotions;
	let duplicates = 0;
	for (const r of b) {
		const key = `${r.promotionId}\u0001${r.customerId}`;
		if (st.redemptionKeys.has(key)) {
			duplicates++;
			st.duplicateRedemptions++;
		} else st.redemptionKeys.add(key);
		st.redemptions++;
		st.recentRedemptions.push({ at: sb.now(), promotionId: r.promotionId, customerId: r.customerId, timestamp: r.timestamp ?? null });
	}
	return { status: 200, body: { accepted: b.length, duplicates } };
}

export const PROMOTION_ROUTES = [
	{ re: /^\/v1\/promocodes\/([^/]+)\/validatecustomers$/i, names: ['promocodeId'], methods: { POST: validateCustomers } },
	{ re: /^\/v1\/redemptions$/i, methods: { POST: redemptions } },
];
