// Event listeners (Optimove's Event Listener slots): register, replace, unregister, list, and the
// history of changes. Mixed into Sandbox.
import { HttpError, naiveUtc, toInt } from './util.mjs';

export const listenerMethods = {
	slot(type, channel) {
		return `${type}|${channel ?? ''}`;
	},

	setListener(type, channel, url, by = 'api') {
		const key = this.slot(type, channel);
		const prev = this.state.listeners.get(key);
		this.state.listeners.set(key, { EventTypeID: type, ListenerURL: url, ChannelID: channel ?? null, registeredAt: this.now(), by });
		const action = !prev ? 'register' : prev.ListenerURL === url ? 're-register' : 'replace';
		this.state.listenerHistory.push({ at: naiveUtc(this.now()), atMs: this.now(), action, EventTypeID: type, ChannelID: channel ?? null, ListenerURL: url, previousURL: prev?.ListenerURL ?? null, previousBy: prev?.by ?? null, by });
		this.log(`listener ${action}: type ${type}${channel ? ` channel ${channel}` : ''} → ${url}`);
	},

	removeListener(type, channel, by = 'api') {
		const key = this.slot(type, channel);
		const prev = this.state.listeners.get(key);
		this.state.listeners.delete(key);
		this.state.listenerHistory.push({ at: naiveUtc(this.now()), atMs: this.now(), action: prev ? 'unregister' : 'unregister-missing', EventTypeID: type, ChannelID: channel ?? null, ListenerURL: null, previousURL: prev?.ListenerURL ?? null, previousBy: prev?.by ?? null, by });
	},

	listListeners() {
		return [...this.state.listeners.values()]
			.sort((a, b) => a.EventTypeID - b.EventTypeID || (a.ChannelID ?? 0) - (b.ChannelID ?? 0))
			.map((l) => ({ EventTypeID: l.EventTypeID, ListenerURL: l.ListenerURL, ChannelID: l.ChannelID }));
	},

	/** Registers a listener as another vendor would (control API; no validation beyond the URL). */
	seedListener({ EventTypeID, ChannelID = null, ListenerURL, by = 'foreign-vendor' } = {}) {
		const type = toInt(EventTypeID);
		if (!Number.isInteger(type) || typeof ListenerURL !== 'string') throw new HttpError(400, { error: 'EventTypeID and ListenerURL are required' });
		this.setListener(type, ChannelID === null || ChannelID === undefined ? null : toInt(ChannelID), ListenerURL, by);
		return { ok: true, listeners: this.listListeners() };
	},

	listeners() {
		return {
			listeners: [...this.state.listeners.values()].map((l) => ({ ...l, registeredAt: naiveUtc(l.registeredAt) })),
			history: this.state.listenerHistory,
			deliveries: this.state.listenerDeliveries.toArray(),
		};
	},
};
