// Payloads "your systems" send to the example workflows 4–6 (used by the CLI demo commands and the
// e2e suite, so both drive the examples the same way). Deterministic: same arguments, same payload.
import { COUNTRIES, VIP_LEVELS } from './catalog.mjs';

/** The n8n webhook paths of the example workflows (examples/4-…, 5-…, 6-…). */
export const EXAMPLE_WEBHOOKS = {
	profileSync: 'optimove-profile-sync',
	eventRows: 'optimove-event-rows',
	optimizely: 'optimizely-campaign-events',
};

/** Example 4: attribute changes from "your system": [{customerId, attributes: {...}}]. */
export function profileChanges(count = 10) {
	return Array.from({ length: count }, (_, n) => {
		const i = n + 1;
		return { customerId: `CUST-${i}`, attributes: { VIP_Level: VIP_LEVELS[i % VIP_LEVELS.length], Country: COUNTRIES[i % COUNTRIES.length], Balance: (i * 12.5).toFixed(2) } };
	});
}

const INVALID_KINDS = [
	{ reason: 'transaction_id missing', spoil: (row) => delete row.transaction_id },
	{ reason: 'deposit_amount is not a number', spoil: (row) => (row.deposit_amount = 'ten euros') },
	{ reason: 'no customer ID', spoil: (row) => delete row.customer },
];

/**
 * Example 5: deposit rows from "your system". `invalid` of them (spread evenly) are broken in one
 * of three ways; returns {rows, invalid: [{index, reason}]}.
 */
export function eventRows(count = 100, invalid = 3, { now = Date.now() } = {}) {
	const rows = Array.from({ length: count }, (_, n) => ({
		customer: `CUST-${n + 1}`,
		timestamp: new Date(now - (count - n) * 1000).toISOString(),
		transaction_id: `TX-${n + 1}`,
		deposit_amount: 10 + (n % 9) * 5,
		deposit_method: n % 2 ? 'card' : 'bank transfer',
	}));
	const bad = [];
	const k = Math.min(invalid, count);
	for (let j = 0; j < k; j++) {
		const index = Math.floor(((j + 0.5) * count) / k);
		const kind = INVALID_KINDS[j % INVALID_KINDS.length];
		kind.spoil(rows[index]);
		bad.push({ index, reason: kind.reason });
	}
	return { rows, invalid: bad };
}

/**
 * Example 6: one Optimizely Campaign webhook delivery (a JSON list of events). Field names are
 * ASSUMED (see the example's sticky note): type, recipientId, recipientListId, mailingId,
 * timestamp, bounceType for bounces. recipientId is taken to be the Optimove customer ID.
 */
export function optimizelyEvents({ unsubscribes = 5, bounces = 2, softBounces = 0, now = Date.now() } = {}) {
	const events = [];
	const base = { webhookId: 4711, recipientListId: 200100, mailingId: 300200 };
	let n = 0;
	const at = () => new Date(now - 1000 * (100 - n++)).toISOString();
	for (let i = 1; i <= unsubscribes; i++) events.push({ ...base, type: 'unsubscribe', recipientId: `CUST-U${i}`, timestamp: at() });
	for (let i = 1; i <= bounces; i++) events.push({ ...base, type: 'bounce', bounceType: 'hard', recipientId: `CUST-B${i}`, timestamp: at() });
	for (let i = 1; i <= softBounces; i++) events.push({ ...base, type: 'bounce', bounceType: 'soft', recipientId: `CUST-S${i}`, timestamp: at() });
	return events;
}
