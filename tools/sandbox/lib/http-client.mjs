// Outgoing HTTP (listener notifications, triggered webhooks, attribute callbacks).
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

export function createAgents() {
	return {
		http: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
		https: new https.Agent({ keepAlive: true, maxSockets: Infinity, rejectUnauthorized: false }),
	};
}

/**
 * POST `body` (Buffer|string) to `url`. Resolves (never rejects) with
 * { status, body, json, ms, error }. `onSent` is called right when the request bytes are handed to
 * the socket (used as the "notification sent" time for latency measurement).
 */
export function postRaw(url, body, { headers = {}, agents, timeoutMs = 30000, onSent } = {}, retried = false) {
	return new Promise((resolve) => {
		let u;
		try {
			u = new URL(url);
		} catch {
			resolve({ status: null, body: '', json: undefined, ms: 0, error: `invalid URL ${url}` });
			return;
		}
		const mod = u.protocol === 'https:' ? https : http;
		const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
		const t0 = performance.now();
		const req = mod.request(
			u,
			{
				method: 'POST',
				agent: agents ? (u.protocol === 'https:' ? agents.https : agents.http) : undefined,
				headers: {
					'content-type': 'application/json',
					'content-length': buf.length,
					'user-agent': 'optimove-sandbox/1.0',
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				let size = 0;
				res.on('data', (c) => {
					size += c.length;
					if (size <= 65536) chunks.push(c);
				});
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, body: text, json, ms: performance.now() - t0, error: null });
				});
				res.on('error', (e) => resolve({ status: res.statusCode, body: '', json: undefined, ms: performance.now() - t0, error: e.message }));
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
		req.on('error', (e) => {
			// A kept-alive socket the server closed just as this request was written: the request never
			// reached it (Node's documented race for reused sockets), so it is sent once more on a new one.
			if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) {
				resolve(postRaw(url, body, { headers, agents, timeoutMs }, true));
				return;
			}
			resolve({ status: null, body: '', json: undefined, ms: performance.now() - t0, error: e.code ? `${e.code}: ${e.message}` : e.message });
		});
		if (onSent) onSent();
		req.end(buf);
	});
}

export function postJson(url, value, opts = {}) {
	return postRaw(url, JSON.stringify(value), opts);
}
