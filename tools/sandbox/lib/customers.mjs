// Deterministic campaign customers. Customer k (1-based) of campaign C is `C{C}-{k}`; every field is
// a pure function of (campaign, k), so nothing is stored per customer except approvals.
import { ACTIONS, CUSTOMER_ATTRIBUTES, VIP_LEVELS } from './catalog.mjs';

export const ATTRIBUTE_BY_NAME = new Map(CUSTOMER_ATTRIBUTES.map((a) => [a.RealFieldName.toLowerCase(), a]));

export function customerIdFor(campaignId, index) {
	return `C${campaignId}-${index}`;
}

/** Index of `customerId` inside campaign `campaignId` (1..size), or 0 if it is not one of its customers. */
export function indexOf(campaignId, size, customerId) {
	const id = String(customerId);
	const prefix = `C${campaignId}-`;
	if (!id.startsWith(prefix)) return 0;
	const rest = id.slice(prefix.length);
	if (!/^[1-9]\d*$/.test(rest)) return 0;
	const k = Number(rest);
	return k >= 1 && k <= size ? k : 0;
}

/** Trailing integer of any customer id (`C1359-42` → 42, `user-7` → 7), or null. */
export function trailingIndex(customerId) {
	const m = /(\d+)$/.exec(String(customerId ?? ''));
	return m ? Number(m[1]) : null;
}

export function actionFor(index) {
	return ACTIONS[index % ACTIONS.length];
}

/** Generated (default) value of attribute `name` for customer index `k` of `campaign`. */
export function generatedAttribute(campaign, k, name) {
	const custom = campaign?.attributeOverrides?.[name];
	if (custom !== undefined) {
		if (Array.isArray(custom)) return custom.length ? custom[k % custom.length] : null;
		return custom;
	}
	const a = ATTRIBUTE_BY_NAME.get(name.toLowerCase());
	return a ? a.gen(k) : null;
}

/** Promotion eligibility rule used by the Promotions API: index divisible by 7 → ineligible. */
export function promotionEligibility(customerId) {
	const k = trailingIndex(customerId);
	if (k !== null && k % 7 === 0) return { valid: false, tier: null, reason: 'NOT_ELIGIBLE' };
	const tier = VIP_LEVELS[(k ?? 0) % VIP_LEVELS.length];
	return { valid: true, tier, reason: null };
}

export const TIER_REWARDS = { Bronze: 5, Silver: 10, Gold: 25, Platinum: 50 };

/**
 * Approval store for one campaign: a Uint8Array indexed by customer index.
 * bits 0-1: on-time status (0 never, 1 false, 2 true); bits 2-3: late status (0 none, 1 false, 2 true).
 */
export class ApprovalStore {
	constructor(size) {
		this.size = size;
		this.status = null; // allocated on first report
		this.reports = 0; // PromosUpdated entries received
		this.calls = 0;
		this.lateCalls = 0;
		this.overwrites = 0;
		this.unknownCustomers = 0;
		this.unknownSample = [];
		this.firstAt = null;
		this.lastAt = null;
	}
	record(index, approved, late) {
		if (!this.status) this.status = new Uint8Array(this.size + 1);
		const prev = this.status[index];
		if (prev !== 0) this.overwrites++;
		const v = approved ? 2 : 1;
		this.status[index] = late ? (prev & 0b0011) | (v << 2) : (prev & 0b1100) | v;
		this.reports++;
	}
	/** Effective state for index k: 'approved' | 'rejected' | 'unreported' and late info. */
	get(k) {
		const s = this.status ? this.status[k] : 0;
		return { onTime: s & 3, late: (s >> 2) & 3 };
	}
	counts() {
		let approved = 0;
		let rejectedReported = 0;
		let lateApproved = 0;
		let lateRejected = 0;
		let lateOnly = 0;
		const s = this.status;
		if (s) {
			for (let k = 1; k <= this.size; k++) {
				const v = s[k];
				if (v === 0) continue;
				const on = v & 3;
				const late = v >> 2;
				if (on === 2) approved++;
				else if (on === 1) rejectedReported++;
				if (late === 2) lateApproved++;
				else if (late === 1) lateRejected++;
				if (late && !on) lateOnly++;
			}
		}
		return {
			targetGroup: this.size,
			approved,
			rejected: this.size - approved,
			rejectedReported,
			neverReported: this.size - approved - rejectedReported,
			lateApproved,
			lateRejected,
			lateOnlyCustomers: lateOnly,
			reports: this.reports,
			overwrites: this.overwrites,
			calls: this.calls,
			lateCalls: this.lateCalls,
			unknownCustomers: this.unknownCustomers,
		};
	}
	/** Customer indexes approved on time, ascending. */
	*approvedIndexes() {
		const s = this.status;
		if (!s) return;
		for (let k = 1; k <= this.size; k++) if ((s[k] & 3) === 2) yield k;
	}
	isApproved(k) {
		return !!this.status && (this.status[k] & 3) === 2;
	}
}
