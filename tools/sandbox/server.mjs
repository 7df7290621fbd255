// Local Optimove sandbox: plays the Optimove API contract (docs/optimove-api.md) on 127.0.0.1 for
// end-to-end tests, benchmarks and demos. Plain Node.js, no dependencies.
//
// The Sandbox is assembled from one module per concern (tools/sandbox/lib/): routing (the Optimove API's
// request pipeline), state (recorded state, keys, limits, config, summaries), listeners, campaigns,
// outbound calls, fault injection and the control API (/__sandbox/…).
import http from 'node:http';
import { RATE_LIMIT_BODY } from './lib/catalog.mjs';
import { campaignMethods } from './lib/campaigns.mjs';
import { controlMethods } from './lib/control.mjs';
import { faultMethods } from './lib/faults.mjs';
import { createAgents } from './lib/http-client.mjs';
import { listenerMethods } from './lib/listeners.mjs';
import { outboundMethods } from './lib/outbound.mjs';
import { routingMethods } from './lib/routing.mjs';
import { stateMethods } from './lib/state.mjs';

export { customerIdFor, promotionEligibility, generatedAttribute, indexOf } from './lib/customers.mjs';
export { hmacHex } from './lib/util.mjs';
export { validateEvent } from './lib/events.mjs';
export { CUSTOMER_ATTRIBUTES, OOTB_EVENTS, RATE_LIMIT_BODY } from './lib/catalog.mjs';

export class Sandbox {
	constructor(options = {}) {
		this.options = { port: 0, deliveryTimeoutMs: 30000, callbackDelayMs: 20, eventsKeep: 1000, ...options };
		this.now = typeof options.now === 'function' ? options.now : Date.now;
		const log = options.log;
		this.log = typeof log === 'function' ? log : log === true ? (m) => console.log(`[sandbox] ${m}`) : () => {};
		this.rateLimitBody = RATE_LIMIT_BODY;
		this.keys = new Map([[options.apiKey ?? 'sandbox-api-key', 'admin']]);
		for (const [k, role] of Object.entries(options.apiKeys ?? {})) this.addApiKey(k, role);
		this.config = {
			tenantId: options.tenantId ?? 1234,
			eventsToken: options.eventsToken ?? 'sandbox-events-token',
			webhookSecret: options.webhookSecret ?? 'sandbox-webhook-secret',
			timeoutMs: options.timeoutMs ?? 5000,
		};
		this.agents = createAgents();
		this.timers = new Set();
		for (const m of Object.getOwnPropertyNames(Sandbox.prototype)) {
			if (m !== 'constructor' && typeof this[m] === 'function') this[m] = this[m].bind(this);
		}
		this.configureLimits(options);
		this.reset();
	}

	async listen() {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((e) => {
				this.log(`internal error: ${e.stack || e}`);
				if (!res.headersSent) this.send(res, 500, { error: String(e.message || e) });
			});
		});
		this.server.keepAliveTimeout = 65000;
		this.server.headersTimeout = 66000;
		this.server.requestTimeout = 0;
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve);
		});
		this.port = this.server.address().port;
		this.url = `http://127.0.0.1:${this.port}`;
		this.log(`listening on ${this.url}`);
		return this;
	}

	async close() {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.agents.http.destroy();
		this.agents.https.destroy();
		if (!this.server) return;
		const closed = new Promise((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections?.();
		await closed;
	}

	later(ms, fn) {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		this.timers.add(t);
	}
}

Object.assign(Sandbox.prototype, stateMethods, routingMethods, faultMethods, listenerMethods, campaignMethods, outboundMethods, controlMethods);

/** Starts a sandbox on 127.0.0.1 and resolves the running instance (see tools/sandbox/README.md). */
export async function startSandbox(options = {}) {
	const sb = new Sandbox(options);
	await sb.listen();
	return sb;
}
