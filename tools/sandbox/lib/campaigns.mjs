// Campaigns: created, notified (type 5), executed, cancelled (type 4), their approvals and what
// their customers would receive. Mixed into Sandbox.
import { ApprovalStore, actionFor, customerIdFor } from './customers.mjs';
import { HttpError, isPlainObject, naiveUtc, parseTime, toInt } from './util.mjs';

export const campaignMethods = {
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
	},

	getCampaignOrThrow(id) {
		const c = this.state.campaigns.get(toInt(id));
		if (!c) throw new HttpError(404, { error: `Campaign ${id} not found` });
		return c;
	},

	isConditional(c) {
		return c.conditional ?? (c.notifiedAt !== null || c.approvals.calls > 0);
	},

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
	},

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
	},

	listCampaigns() {
		return [...this.state.campaigns.values()].map(this.campaignSummary);
	},

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
	},

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
	},

	async cancelCampaign(id, { notify = true } = {}) {
		const c = this.getCampaignOrThrow(id);
		c.cancelledAt = this.now();
		const fired = notify && this.state.listeners.has(this.slot(4, null))
			? await this.deliverToListener(4, null, { EventTypeID: 4, TimeStamp: naiveUtc(c.cancelledAt), CampaignID: c.id })
			: null;
		return { campaignId: c.id, cancelledAt: naiveUtc(c.cancelledAt), listener: fired };
	},

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
	},

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
	},
};
