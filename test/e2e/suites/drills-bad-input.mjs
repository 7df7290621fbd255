import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { node } from '../../../tools/n8n/fixtures.mjs';

// Drill (issue 7): crafted requests at a published Optimove Trigger — a listener workflow and a
// triggered-conditional-execution workflow. Every bad request gets its status and starts nothing;
// exactly the legitimate ones (incl. the accepted header variants) become executions; n8n stays
// healthy. Requests are sent one at a time so each status is attributable.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const SECRET = 'sandbox-webhook-secret';
const MAX_AGE_SECONDS = 300;
const HUGE_BYTES = 5 * 1024 * 1024;

const sign = (body, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Optimove's triggered notification (contract §4), timestamp in epoch ms. */
function notification(n, timestamp = Date.now()) {
	return {
		timestamp,
		conditional_execution_approval_deadline: timestamp + 5000,
		request_uid: `drill-${n}-${timestamp}`,
		is_hashed: false,
		user: { user_id: `DRILL-${n}`, is_visitor: false, personalization: {} },
		trigger_context: { id: 2001, name: 'Drill', events: [] },
	};
}

/** A listener call as Optimove sends it (contract §2). */
const listenerCall = (eventTypeId = 2) => JSON.stringify({ EventTypeID: eventTypeId, TimeStamp: '2026-11-22 09:00:00', CampaignID: 7001 });

/** A string of `bytes` bytes that is valid JSON: a listener payload padded with a long field. */
function hugeJson(bytes) {
	const head = '{"EventTypeID":2,"TimeStamp":"2026-11-22 09:00:00","Padding":"';
	return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
}

/** The URL with its token query replaced (undefined: no token at all). */
function withToken(url, token) {
	const u = new URL(url);
	u.searchParams.delete('token');
	if (token !== undefined) u.searchParams.set('token', token);
	return u.toString();
}

export function register(ctx) {
	describe('drill: bad input at a published Optimove Trigger', () => {
		const ids = {};
		const url = {};
		const token = {};
		const log = [];
		const counts = { before: {}, after: {} };

		/** Sends one request and records it; `expect` is the status it must get, `legit` whether it must run. */
		async function send(target, what, { method = 'POST', headers = {}, body, expect, legit = false, query }) {
			let target_url = url[target];
			if (query !== undefined) target_url = query(target_url);
			const res = await fetch(target_url, { method, headers, body });
			const text = await res.text();
			log.push({ target, what, status: res.status, expect, legit, body: text.slice(0, 200) });
			return res.status;
		}

		before(async () => {
			const credential = ctx.credentials.optimoveApi;
			ids.listener = await ctx.n8n.createWorkflow({
				name: 'drill: bad input (listeners)',
				nodes: [node('Optimove Trigger', TRIGGER, { source: 'eventListeners', events: [1, 2] }, { credential, webhookId: 'drill-bad-listener', typeVersion: 1.1 })],
				connections: {},
			});
			ids.triggered = await ctx.n8n.createWorkflow({
				name: 'drill: bad input (triggered)',
				nodes: [
					node('Optimove Trigger', TRIGGER, { source: 'triggeredConditionalExecution', options: { maxAgeSeconds: MAX_AGE_SECONDS } }, { credential, webhookId: 'drill-bad-triggered', typeVersion: 1.1 }),
				],
				connections: {},
			});
			await ctx.n8n.publish(ids.listener);
			await ctx.n8n.publish(ids.triggered);
			url.listener = ctx.sandbox.listListeners().find((s) => s.EventTypeID === 2 && s.ListenerURL.includes('/drill-bad-listener/'))?.ListenerURL;
			url.triggered = [...ctx.sandbox.state.webhooks.values()].find((h) => h.url.includes('/drill-bad-triggered/'))?.url;
			assert.ok(url.listener, 'publishing registered the listener URL');
			assert.ok(url.triggered, 'publishing registered the triggered webhook URL');
			token.listener = new URL(url.listener).searchParams.get('token');
			token.triggered = new URL(url.triggered).searchParams.get('token');
			for (const k of ['listener', 'triggered']) counts.before[k] = (await ctx.n8n.executions(ids[k])).length;
		});
		after(async () => {
			for (const id of Object.values(ids)) await ctx.n8n.unpublish(id).catch(() => undefined);
			const bad = log.filter((r) => !r.legit);
			console.log(
				`# drill bad-input: ${log.length} requests (${bad.length} bad, ${log.length - bad.length} legitimate); statuses ${JSON.stringify(
					log.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}),
				)}; executions listener ${counts.before.listener}→${counts.after.listener}, triggered ${counts.before.triggered}→${counts.after.triggered}`,
			);
		});

		it('listener workflow: missing, wrong and foreign tokens → 401; bad bodies with the right token → 400; legitimate calls → 200', async () => {
			const json = { 'content-type': 'application/json' };
			const body = listenerCall();
			const cases = [
				['no token', { query: (u) => withToken(u, undefined) }],
				['empty token', { query: (u) => withToken(u, '') }],
				['64 zeros', { query: (u) => withToken(u, '0'.repeat(64)) }],
				['token minus last char', { query: (u) => withToken(u, token.listener.slice(0, -1)) }],
				['token plus a char', { query: (u) => withToken(u, `${token.listener}0`) }],
				['token upper-cased', { query: (u) => withToken(u, token.listener.toUpperCase()) }],
				['token of the triggered URL', { query: (u) => withToken(u, token.triggered) }],
				['token twice (wrong first)', { query: (u) => `${withToken(u, 'nope')}&token=${token.listener}` }],
				['token twice (right first)', { query: (u) => `${u}&token=nope` }],
				['token in a header instead', { query: (u) => withToken(u, undefined), headers: { ...json, token: token.listener } }],
				['no token, huge body', { query: (u) => withToken(u, undefined), body: hugeJson(HUGE_BYTES) }],
				['wrong token, text/plain', { query: (u) => withToken(u, 'nope'), headers: { 'content-type': 'text/plain' } }],
			];
			for (const [what, opts] of cases) {
				const status = await send('listener', what, { headers: json, body, ...opts, expect: 401 });
				assert.equal(status, 401, what);
			}
			const badBodies = [
				['malformed JSON (text/plain)', 'text/plain', '{"EventTypeID": 2,'],
				['empty body', 'application/json', ''],
				['empty body (text/plain)', 'text/plain', ''],
				['JSON array', 'text/plain', '[1,2]'],
				['JSON string', 'text/plain', '"EventTypeID"'],
				['JSON null', 'text/plain', 'null'],
				['not JSON at all (octet-stream, read by the node)', 'application/octet-stream', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
				['huge malformed body', 'text/plain', `{${'x'.repeat(HUGE_BYTES)}`],
			];
			for (const [what, type, payload] of badBodies) {
				const status = await send('listener', what, { headers: { 'content-type': type }, body: payload, expect: 400 });
				assert.equal(status, 400, what);
			}
			// A content type n8n does not parse leaves the body to the node, which reads it within n8n's size limit.
			const tooLarge = await send('listener', '20 MB octet-stream body, right token', { headers: { 'content-type': 'application/octet-stream' }, body: hugeJson(20 * 1024 * 1024), expect: 413 });
			assert.equal(tooLarge, 413, 'a body over n8n\'s limit that the node reads → 413');
			// n8n itself answers these before the node runs (so they cannot start an execution either):
			// malformed application/json → 422 from its JSON parser; another method → 404; a body over
			// n8n's N8N_PAYLOAD_SIZE_MAX (16 MB) → 500 "There was a problem executing the workflow".
			const byN8n = [
				['malformed JSON (application/json)', { headers: json, body: '{"EventTypeID": 2,' }, [422]],
				['XML content type', { headers: { 'content-type': 'application/xml' }, body }, [422]],
				['GET instead of POST', { method: 'GET' }, [404]],
				['PUT instead of POST', { method: 'PUT', headers: json, body }, [404]],
				['20 MB body, no token (over n8n\'s limit)', { query: (u) => withToken(u, undefined), headers: json, body: hugeJson(20 * 1024 * 1024) }, [413, 500]],
			];
			for (const [what, opts, statuses] of byN8n) {
				const status = await send('listener', what, { ...opts, expect: statuses.join('|') });
				assert.ok(statuses.includes(status), `${what} → ${status}`);
			}

			const legit = [
				['application/json', json, listenerCall(2)],
				['charset parameter', { 'content-type': 'application/json; charset=utf-8' }, listenerCall(1)],
				['text/plain with a JSON body', { 'content-type': 'text/plain' }, listenerCall(2)],
			];
			for (const [what, headers, payload] of legit) {
				const status = await send('listener', `legitimate: ${what}`, { headers, body: payload, expect: 200, legit: true });
				assert.equal(status, 200, what);
			}
		});

		it('triggered workflow: unsigned, forged, tampered, replayed, wrong token → 401; bad bodies signed → 400; the header variants Optimove may send → 200', async () => {
			const json = { 'content-type': 'application/json' };
			let n = 0;
			const fresh = () => JSON.stringify(notification(++n));
			const unauthorised = [];
			const add = (what, make, opts = {}) => unauthorised.push([what, make, opts]);
			add('unsigned', (b) => ({ headers: json, body: b }));
			add('forged (other secret)', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b, 'not-the-secret') }, body: b }));
			add('forged, x- header', (b) => ({ headers: { ...json, 'x-optimove-signature-content': sign(b, 'not-the-secret') }, body: b }));
			add('forged, sha256= prefix', (b) => ({ headers: { ...json, 'optimove-signature-content': `sha256=${sign(b, 'not-the-secret')}` }, body: b }));
			add('tampered body', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: b.replace('DRILL-', 'EVIL-') }));
			add('tampered: one trailing space', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: `${b} ` }));
			add('tampered: re-serialised with spaces', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: JSON.stringify(JSON.parse(b), null, 1) }));
			add('empty signature header', (b) => ({ headers: { ...json, 'optimove-signature-content': '' }, body: b }));
			add('signature truncated', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b).slice(0, 63) }, body: b }));
			add('signature not hex', (b) => ({ headers: { ...json, 'optimove-signature-content': 'z'.repeat(64) }, body: b }));
			add('signature base64', (b) => ({ headers: { ...json, 'optimove-signature-content': createHmac('sha256', SECRET).update(b).digest('base64') }, body: b }));
			add('signature of the empty string', (b) => ({ headers: { ...json, 'optimove-signature-content': sign('') }, body: b }));
			add('signature under another header name', (b) => ({ headers: { ...json, 'x-signature': sign(b) }, body: b }));
			add('sha1 HMAC', (b) => ({ headers: { ...json, 'optimove-signature-content': createHmac('sha1', SECRET).update(b).digest('hex') }, body: b }));
			add('signed with the API key', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b, 'sandbox-api-key') }, body: b }));
			add('signed, no token', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: b }), { query: (u) => withToken(u, undefined) });
			add('signed, wrong token', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: b }), { query: (u) => withToken(u, '1'.repeat(64)) });
			add('signed, token of the listener URL', (b) => ({ headers: { ...json, 'optimove-signature-content': sign(b) }, body: b }), { query: (u) => withToken(u, token.listener) });
			add('replayed: 10 min old', () => {
				const b = JSON.stringify(notification(++n, Date.now() - 600_000));
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('replayed: just outside the window', () => {
				const b = JSON.stringify(notification(++n, Date.now() - (MAX_AGE_SECONDS + 5) * 1000));
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('from 10 min in the future', () => {
				const b = JSON.stringify(notification(++n, Date.now() + 600_000));
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('timestamp missing', () => {
				const { timestamp: _t, ...rest } = notification(++n);
				const b = JSON.stringify(rest);
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('timestamp not a number', () => {
				const b = JSON.stringify({ ...notification(++n), timestamp: 'yesterday' });
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('timestamp in seconds (1000× too old)', () => {
				const b = JSON.stringify({ ...notification(++n), timestamp: Math.floor(Date.now() / 1000) });
				return { headers: { ...json, 'optimove-signature-content': sign(b) }, body: b };
			});
			add('unsigned huge body', () => ({ headers: json, body: hugeJson(HUGE_BYTES) }));
			add('forged huge body', () => {
				const b = hugeJson(HUGE_BYTES);
				return { headers: { ...json, 'optimove-signature-content': sign(b, 'nope') }, body: b };
			});
			add('forged, text/plain', (b) => ({ headers: { 'content-type': 'text/plain', 'optimove-signature-content': sign(b, 'nope') }, body: b }));
			add('unsigned, form content type', (b) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: b }));
			// A Buffer body: fetch sends no content type (a string body would go as text/plain).
			add('unsigned, no content type', (b) => ({ headers: {}, body: Buffer.from(b) }));
			add('forged, no content type', (b) => ({ headers: { 'optimove-signature-content': sign(b, 'nope') }, body: Buffer.from(b) }));
			for (const [what, make, opts] of unauthorised) {
				const status = await send('triggered', what, { ...make(fresh()), ...opts, expect: 401 });
				assert.equal(status, 401, what);
			}

			// Signed (the signature is right for these exact bytes) but not a JSON object → 400.
			const signedBad = [
				['signed malformed JSON (text/plain)', 'text/plain', '{"timestamp": 1,'],
				['signed JSON array', 'text/plain', '[{"timestamp":1}]'],
				['signed JSON number', 'text/plain', '42'],
			];
			for (const [what, type, payload] of signedBad) {
				const status = await send('triggered', what, { headers: { 'content-type': type, 'optimove-signature-content': sign(payload) }, body: payload, expect: 400 });
				assert.equal(status, 400, what);
			}
			const signedMalformedJson = await send('triggered', 'signed malformed JSON (application/json)', {
				headers: { ...json, 'optimove-signature-content': sign('{"timestamp": 1,') },
				body: '{"timestamp": 1,',
				expect: 422,
			});
			assert.equal(signedMalformedJson, 422, "n8n's JSON parser refuses it before the node runs");

			// Legitimate variants: Optimove's header, the x- header, sha256= prefix, upper-case hex, mixed-case header name.
			const legit = [
				['optimove-signature-content', (b) => ({ 'optimove-signature-content': sign(b) })],
				['x-optimove-signature-content', (b) => ({ 'x-optimove-signature-content': sign(b) })],
				['sha256= prefix', (b) => ({ 'optimove-signature-content': `sha256=${sign(b)}` })],
				['upper-case hex', (b) => ({ 'optimove-signature-content': sign(b).toUpperCase() })],
				['SHA256= upper-case prefix and hex', (b) => ({ 'optimove-signature-content': `SHA256=${sign(b).toUpperCase()}` })],
				['header name in mixed case', (b) => ({ 'Optimove-Signature-Content': sign(b) })],
				['text/plain content type', (b) => ({ 'optimove-signature-content': sign(b), 'content-type': 'text/plain' })],
				// n8n does not read these bodies for a typeVersion 1.1 node; the node reads the exact bytes itself.
				['no content type', (b) => ({ 'optimove-signature-content': sign(b), 'content-type': undefined })],
				['application/octet-stream', (b) => ({ 'optimove-signature-content': sign(b), 'content-type': 'application/octet-stream' })],
			];
			for (const [what, headersFor] of legit) {
				const b = fresh();
				const headers = Object.fromEntries(Object.entries({ ...json, ...headersFor(b) }).filter(([, v]) => v !== undefined));
				const status = await send('triggered', `legitimate: ${what}`, { headers, body: Buffer.from(b), expect: 200, legit: true });
				assert.equal(status, 200, what);
			}
		});

		it('at least 50 requests; no bad one started an execution; exactly the legitimate ones ran', async () => {
			assert.ok(log.length >= 50, `${log.length} requests sent`);
			const legit = { listener: log.filter((r) => r.legit && r.target === 'listener').length, triggered: log.filter((r) => r.legit && r.target === 'triggered').length };
			// Wait for the legitimate ones, then long enough for any stray execution to show up.
			for (const k of ['listener', 'triggered']) await ctx.n8n.waitForExecutions(ids[k], counts.before[k] + legit[k], { includeData: false });
			await sleep(3000);
			for (const k of ['listener', 'triggered']) {
				const executions = await ctx.n8n.executions(ids[k], { includeData: true });
				counts.after[k] = executions.length;
				assert.equal(executions.length - counts.before[k], legit[k], `${k}: executions = legitimate requests`);
				assert.ok(
					executions.every((e) => e.status === 'success'),
					`${k}: every execution succeeded`,
				);
			}
			// The triggered executions are exactly the legitimate notifications: signed, never tampered.
			const triggered = await ctx.n8n.executions(ids.triggered, { includeData: true });
			for (const e of triggered) {
				const out = e.data.resultData.runData['Optimove Trigger'][0].data.main[0][0].json;
				assert.equal(out.signatureVerified, true);
				assert.match(String(out.userId), /^DRILL-\d+$/);
			}
		});

		it('n8n is healthy afterwards and a legitimate request still runs', async () => {
			const health = await fetch(`${ctx.n8n.baseUrl}/healthz`);
			assert.equal(health.status, 200);
			const ready = await fetch(`${ctx.n8n.baseUrl}/healthz/readiness`);
			assert.equal(ready.status, 200);
			const b = JSON.stringify(notification(9999));
			const status = await send('triggered', 'legitimate after the drill', { headers: { 'content-type': 'application/json', 'optimove-signature-content': sign(b) }, body: b, expect: 200, legit: true });
			assert.equal(status, 200);
			const fired = await ctx.sandbox.fireListenerEvent({ eventTypeId: 2 });
			assert.equal(fired.status, 200, 'the sandbox (Optimove) reaches the listener');
			await ctx.n8n.waitForExecutions(ids.triggered, counts.after.triggered + 1, { includeData: false });
			await ctx.n8n.waitForExecutions(ids.listener, counts.after.listener + 1, { includeData: false });
		});
	});
}
