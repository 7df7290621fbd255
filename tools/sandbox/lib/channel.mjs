// A stand-in for a push/SMS provider: example 3 (campaign delivery) "sends" each executed
// customer's message here and withdraws the scheduled ones when Optimove cancels the campaign.
// Control API: POST /__sandbox/channel/send, POST /__sandbox/channel/cancel, GET /__sandbox/channel.
import { HttpError } from './util.mjs';

export function newChannelState() {
	return { sent: 0, withdrawn: 0, duplicates: 0, campaigns: new Map() };
}

function campaignOf(state, campaignId, channelId) {
	const id = String(campaignId ?? '');
	if (!id) throw new HttpError(400, { error: 'campaignId is required' });
	let c = state.campaigns.get(id);
	if (!c) state.campaigns.set(id, (c = { campaignId: id, channelId: channelId ?? null, messages: new Map(), templates: {}, withdrawn: 0 }));
	return c;
}

/** One message or a list: {campaignId, channelId, customerId, templateId, text, scheduledFor}. */
export function channelSend(state, body, now) {
	const list = Array.isArray(body) ? body : [body];
	for (const m of list) {
		if (!m || typeof m !== 'object' || m.customerId === undefined || m.customerId === null || m.customerId === '') {
			throw new HttpError(400, { error: 'each message needs campaignId and customerId' });
		}
		const c = campaignOf(state, m.campaignId, m.channelId);
		const key = String(m.customerId);
		if (c.messages.has(key)) state.duplicates++;
		else state.sent++;
		c.messages.set(key, { customerId: key, templateId: m.templateId ?? null, text: m.text ?? null, scheduledFor: m.scheduledFor ?? null, at: now, withdrawn: false });
		const t = String(m.templateId ?? '-');
		c.templates[t] = (c.templates[t] ?? 0) + 1;
	}
	return { accepted: list.length };
}

/** Withdraws scheduled messages: {campaignId, customerId} or a list; no customerId withdraws the whole campaign. */
export function channelCancel(state, body) {
	const list = Array.isArray(body) ? body : [body];
	let withdrawn = 0;
	let unknown = 0;
	for (const m of list) {
		const c = campaignOf(state, m?.campaignId);
		const targets = m.customerId === undefined || m.customerId === null ? [...c.messages.values()] : [c.messages.get(String(m.customerId))];
		for (const msg of targets) {
			if (!msg) unknown++;
			else if (!msg.withdrawn) {
				msg.withdrawn = true;
				c.withdrawn++;
				withdrawn++;
			}
		}
	}
	state.withdrawn += withdrawn;
	return { withdrawn, notScheduled: unknown };
}

export function channelReport(state) {
	return {
		sent: state.sent,
		withdrawn: state.withdrawn,
		duplicates: state.duplicates,
		campaigns: [...state.campaigns.values()].map((c) => {
			const live = [...c.messages.values()].filter((m) => !m.withdrawn);
			return {
				campaignId: c.campaignId,
				channelId: c.channelId,
				messages: c.messages.size,
				withdrawn: c.withdrawn,
				delivered: live.length,
				byTemplate: c.templates,
				sample: live.slice(0, 5).map((m) => ({ customerId: m.customerId, templateId: m.templateId, text: m.text })),
			};
		}),
	};
}
