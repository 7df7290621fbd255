// Calls the sandbox makes to the outside: listener deliveries, attribute-update callbacks and
// triggered notifications. Mixed into Sandbox.
import { postJson } from './http-client.mjs';
import { fireTriggered } from './triggered.mjs';
import { naiveUtc } from './util.mjs';

export const outboundMethods = {
	async deliverToListener(type, channel, payload) {
		let l = this.state.listeners.get(this.slot(type, channel));
		if (!l && channel !== null && channel !== undefined) l = this.state.listeners.get(this.slot(type, null));
		if (!l) return { delivered: false, status: null, error: `No listener registered for EventTypeID ${type}${channel ? ` / ChannelID ${channel}` : ''}.`, payload };
		const r = await postJson(l.ListenerURL, payload, { agents: this.agents, timeoutMs: this.options.deliveryTimeoutMs });
		const rec = { at: naiveUtc(this.now()), EventTypeID: type, ChannelID: channel ?? null, url: l.ListenerURL, status: r.status, ms: Math.round(r.ms), error: r.error, payload };
		this.state.listenerDeliveries.push(rec);
		this.log(`fired type ${type} → ${l.ListenerURL}: ${r.status ?? r.error}`);
		return { delivered: r.status !== null, status: r.status, body: r.json ?? r.body, url: l.ListenerURL, payload, ms: Math.round(r.ms), error: r.error };
	},

	sendAttributeCallback(url, result) {
		const cb = this.state.attributeUpdates.callbacks;
		this.later(this.options.callbackDelayMs, async () => {
			const r = await postJson(url, result, { agents: this.agents, timeoutMs: this.options.deliveryTimeoutMs });
			cb.sent++;
			if (r.status !== null && r.status < 300) cb.ok++;
			else cb.failed++;
			cb.recent.push({ at: naiveUtc(this.now()), url, status: r.status, error: r.error, requestId: result.requestId, isSuccess: result.isSuccess });
		});
	},

	fireTriggered(opts = {}) {
		return fireTriggered(this, opts);
	},
};
