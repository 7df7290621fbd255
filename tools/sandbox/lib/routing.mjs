// Request routing for the Optimove API the sandbox plays: reads the body, resolves the route
// (REST, triggered, promotions, events), identifies the key, injects faults, checks role and rate
// limit, then calls the route's handler. Mixed into Sandbox.
import { createHash } from 'node:crypto';
import { INTEGRATIONS_ALLOWED, RATE_LIMIT_BODY } from './catalog.mjs';
import { handleReportServer } from './events.mjs';
import { PROMOTION_ROUTES } from './promotions.mjs';
import { REST_ROUTES } from './rest.mjs';
import { TRIGGERED_ROUTES } from './triggered.mjs';
import { HttpError, hmacHex, signatureMatches } from './util.mjs';

const TRIGGERED_PREFIX = '/conditional-execution/v2/triggered';
const BODY_LIMIT = 64 * 1024 * 1024;

export function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > BODY_LIMIT) {
				reject(new HttpError(413, 'Request body too large.'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export const routingMethods = {
	send(res, status, body, headers = {}) {
		if (res.destroyed) return;
		if (body === undefined || status === 204) {
			res.writeHead(status, { 'content-length': 0, ...headers });
			res.end();
			return;
		}
		const text = typeof body === 'string' && headers['content-type']?.startsWith('text/') ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	},

	countKey429(ctx, field) {
		this.keyStats(ctx.keyLabel)[field]++;
	},

	signatureOk(secret, raw, given) {
		return signatureMatches(hmacHex(secret, raw), given);
	},

	hashKey(s) {
		return createHash('sha1').update(s).digest('base64');
	},

	resolve(method, path) {
		const lower = path.toLowerCase();
		const fromTable = (routes, sub, group) => {
			for (const r of routes) {
				const m = r.re.exec(sub);
				if (!m) continue;
				const params = {};
				(r.names ?? []).forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
				const handler = r.methods[method];
				return handler ? { group, handler, params, routeId: `${group}:${sub}` } : { group, methodNotAllowed: true };
			}
			return null;
		};
		if (lower === '/reportserver') return method === 'POST' ? { group: 'events', handler: handleReportServer, params: {}, routeId: 'reportServer' } : { group: 'events', methodNotAllowed: true };
		if (lower.startsWith(TRIGGERED_PREFIX)) return fromTable(TRIGGERED_ROUTES, path.slice(TRIGGERED_PREFIX.length), 'triggered');
		if (lower.startsWith('/promotions/')) return fromTable(PROMOTION_ROUTES, path.slice('/promotions'.length), 'promotions');
		const seg = path.split('/').filter(Boolean);
		if (seg.length === 2) {
			const id = `${seg[0]}/${seg[1]}`.toLowerCase();
			const r = REST_ROUTES[id];
			if (r) return r[method] ? { group: 'rest', handler: r[method], params: {}, routeId: id } : { group: 'rest', methodNotAllowed: true };
		}
		if (seg.length === 3 && seg[0].toLowerCase() === 'customers' && seg[2].toLowerCase() === 'attributes') {
			const r = REST_ROUTES['customers/:id/attributes'];
			return r[method]
				? { group: 'rest', handler: r[method], params: { customerId: decodeURIComponent(seg[1]) }, routeId: 'customers/:id/attributes' }
				: { group: 'rest', methodNotAllowed: true };
		}
		return null;
	},

	/** One Optimove API request: route, key, injected fault, role and rate limit, then the route's handler. */
	async handle(req, res) {
		const url = new URL(req.url, 'http://sandbox.local');
		if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) return this.handleControl(req, res, url);
		let raw;
		try {
			raw = await readBody(req);
		} catch (e) {
			if (e instanceof HttpError) this.send(res, e.status, e.body);
			return;
		}
		const path = apiPath(url.pathname);
		this.state.requests++;
		this.state.recentRequests.push({ atMs: this.now(), method: req.method, path });
		const route = this.resolve(req.method, path);
		if (!route) return this.send(res, 404, `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
		if (route.methodNotAllowed) return this.send(res, 405, `The requested resource does not support http method '${req.method}'.`);

		const ctx = requestContext(req, url, path, route, raw);
		// Identify the key first (for per-key accounting of faults too).
		const role = route.group === 'events' ? null : identifyKey(this, ctx);
		const ks = this.keyStats(ctx.keyLabel, role);
		ks.requests++;
		const reply = (status, body, headers) => {
			ks.statuses[status] = (ks.statuses[status] || 0) + 1;
			this.send(res, status, body, headers);
		};
		const resetConnection = (counter) => {
			this.state.faultsInjected[counter]++;
			ks.resets++;
			req.socket.destroy();
		};

		const fault = await this.applyFaults(path);
		if (fault === 'reset') return resetConnection('reset');
		const injected = injectedAnswer(this, fault, route, ks);
		if (injected) return reply(...injected);
		const refused = route.group === 'events' ? null : refusal(this, route, role, ctx, ks);
		if (refused) return reply(...refused);

		let out;
		try {
			out = await route.handler(this, ctx);
		} catch (e) {
			if (e instanceof HttpError) return reply(e.status, e.body, e.headers);
			throw e;
		}
		if (fault === 'resetAfter') return resetConnection('resetAfter');
		reply(out.status, out.body, out.headers);
	},
};

/** The API path: without the optional /current prefix and a trailing slash. */
function apiPath(pathname) {
	let path = pathname;
	if (/^\/current(\/|$)/i.test(path)) path = path.slice('/current'.length) || '/';
	if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
	return path;
}

/** What a route handler gets: method, path, params, raw body (and its JSON), query and headers by any case. */
function requestContext(req, url, path, route, raw) {
	const qmap = new Map();
	for (const [k, v] of url.searchParams) if (!qmap.has(k.toLowerCase())) qmap.set(k.toLowerCase(), v);
	const ctx = {
		method: req.method,
		path,
		params: route.params,
		raw,
		q: (name) => qmap.get(name.toLowerCase()),
		header: (name) => {
			const v = req.headers[name.toLowerCase()];
			return Array.isArray(v) ? v[0] : v;
		},
		keyLabel: '(events)',
	};
	if (raw.length) {
		try {
			ctx.json = JSON.parse(raw.toString('utf8'));
		} catch (e) {
			ctx.jsonError = e.message;
		}
	}
	return ctx;
}

/** The X-API-KEY's role (null when missing or unknown); sets the label the key is counted under. */
function identifyKey(sb, ctx) {
	const key = ctx.header('x-api-key');
	const role = key ? (sb.keys.get(key) ?? null) : null;
	ctx.keyLabel = !key ? '(no key)' : role ? key : '(unknown key)';
	return role;
}

/** The answer for an injected 429 or 500 (`[status, body, headers]`), or null. */
function injectedAnswer(sb, fault, route, ks) {
	if (fault === 429) {
		sb.state.faultsInjected[429]++;
		ks.injected429++;
		const h = sb.faults.retryAfter !== null && sb.faults.retryAfter !== undefined ? { 'retry-after': String(sb.faults.retryAfter) } : {};
		return [429, RATE_LIMIT_BODY, h];
	}
	if (fault === 500) {
		sb.state.faultsInjected[500]++;
		ks.injected500++;
		return [500, route.group === 'rest' ? 'An error has occurred.' : { status: 500, error: 'Internal Server Error', message: 'An error has occurred.' }];
	}
	return null;
}

/** 401 / 403 for the key's role, 429 from the group's rate limiter (`[status, body]`), or null. */
function refusal(sb, route, role, ctx, ks) {
	if (!role) return [401, 'Unauthorized: missing or invalid X-API-KEY.'];
	if (role === 'revoked') return [403, 'Forbidden: this API key has been revoked.'];
	if (role === 'integrations' && !(route.group === 'rest' && INTEGRATIONS_ALLOWED.has(route.routeId))) {
		return [403, `Forbidden: this API key (Integrations) has no permission for ${ctx.path}. An admin API key is required.`];
	}
	const limiter = sb.limiters[route.group];
	if (limiter && !limiter.hit(ctx.keyLabel)) {
		ks.rateLimited++;
		return [429, RATE_LIMIT_BODY];
	}
	return null;
}
