// Tests for the local Optimove sandbox (run: node --test test/sandbox/).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { startSandbox, customerIdFor, hmacHex } from '../../tools/sandbox/server.mjs';

const KEY = 'sandbox-api-key';
const T0 = Date.parse('2026-11-22T09:00:00Z');

function clock(start = T0) {
	const c = { t: start, now: () => c.t, advance: (ms) => (c.t += ms) };
	return c;
}

async function call(sb, method, path, { body, key = KEY, headers = {}, raw } = {}) {
	const h = { ...headers };
	if (key) h['X-API-KEY'] = key;
	let payload;
	if (raw !== undefined) payload = raw;
	else if (body !== undefined) {
		payload = JSON.stringify(body);
		h['content-type'] = 'application/json';
	}
	const res = await fetch(sb.url + path, { method, headers: h, body: payload });
	const text = await res.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, text, json, headers: res.headers };
}

/** A tiny HTTP receiver standing in for n8n: records calls, answers via `handler`. */
async function receiver(handler = () => ({ status: 200, body: { ok: true } })) {
	const calls = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const raw = Buffer.concat(chunks);
			const call = { headers: req.headers, raw, json: JSON.parse(raw.toString() || 'null'), url: req.url };
			calls.push(call);
			const r = (await handler(call)) ?? { status: 200 };
			const text = r.body === undefined ? '' : JSON.stringify(r.body);
			res.writeHead(r.status, { 'content-type': 'application/json' });
			res.end(text);
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${server.address().port}/hook`,
		calls,
		close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
	};
}

function signEvents(body, token = 'sandbox-events-token') {
	return { 'X-Optimove-Signature-Version': '1', 'X-Optimove-Signature-Content': hmacHex(token, body), 'content-type': 'application/json' };
}

function event(overrides = {}) {
	return {
		tenant: 1234,
		timestamp: '2026-11-22 09:00:00.000000 UTC',
		event: 'ootb_deposit',
		customer: 'C1',
		context: { ootb_transaction_id: 'tx-1', ootb_deposit_amount: 10 },
		...overrides,
	};
}

async function postEvents(sb, events, { token, headers } = {}) {
	const raw = JSON.stringify(events);
	return call(sb, 'POST', '/reportServer', { key: null, raw, headers: headers ?? signEvents(raw, token) });
}

describe('auth, routing and key types', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({ apiKeys: { 'integration-key': 'integrations', 'old-key': 'revoked' } });
		sb.createCampaign({ campaignId: 1359, customers: 10 });
	});
	after(() => sb.close());

	test('GetLastDataUpdate answers with a date; /current prefix and path case are accepted', async () => {
		for (const p of ['/General/GetLastDataUpdate', '/current/General/GetLastDataUpdate', '/general/getlastdataupdate']) {
			const r = await call(sb, 'GET', p);
			assert.equal(r.status, 200, p);
			assert.match(r.json.Date, /^\d{4}-\d{2}-\d{2}$/);
		}
	});
	test('missing or unknown key → 401 with a bare JSON string', async () => {
		const a = await call(sb, 'GET', '/General/GetLastDataUpdate', { key: null });
		assert.equal(a.status, 401);
		assert.equal(typeof a.json, 'string');
		assert.match(a.json, /Unauthorized/);
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate', { key: 'nope' })).status, 401);
	});
	test('integrations key: listeners yes, approvals/customers → 403 saying so; revoked key → 403', async () => {
		assert.equal((await call(sb, 'GET', '/General/GetRegisteredEventListeners', { key: 'integration-key' })).status, 200);
		assert.equal((await call(sb, 'GET', '/Actions/GetCampaignDetails?CampaignID=1359', { key: 'integration-key' })).status, 200);
		const r = await call(sb, 'POST', '/Integrations/UpdateCustomerPromotionStatus', {
			key: 'integration-key',
			body: { TimeStamp: '2026-11-22 09:00:00', CampaignID: 1359, PromosUpdated: [] },
		});
		assert.equal(r.status, 403);
		assert.match(r.json, /permission/);
		assert.equal((await call(sb, 'GET', '/Customers/GetProcessedCampaignCustomers?CampaignID=1359', { key: 'integration-key' })).status, 403);
		assert.equal((await call(sb, 'POST', '/conditional-execution/v2/triggered/webhooks/', { key: 'integration-key', body: { url: 'http://x.test/' } })).status, 403);
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate', { key: 'old-key' })).status, 403);
		const keys = sb.report().keys;
		assert.equal(keys['integration-key'].statuses['403'], 3);
	});
	test('unknown route → 404, wrong method → 405, unknown campaign → 404, bad id → 400', async () => {
		assert.equal((await call(sb, 'GET', '/General/Nope')).status, 404);
		assert.equal((await call(sb, 'GET', '/General/RegisterEventListener')).status, 405);
		assert.equal((await call(sb, 'GET', '/Actions/GetCampaignDetails?CampaignID=999')).status, 404);
		assert.equal((await call(sb, 'GET', '/Actions/GetCampaignDetails?CampaignID=abc')).status, 400);
		assert.equal((await call(sb, 'GET', '/Actions/GetCampaignDetails')).status, 400);
	});
	test('catalog calls', async () => {
		const ch = (await call(sb, 'GET', '/Actions/GetExecutionChannels')).json;
		assert.ok(ch.some((c) => c.ChannelId === 507) && ch.some((c) => c.ChannelID === 505));
		const attrs = (await call(sb, 'GET', '/Model/GetCustomerAttributeList')).json;
		assert.ok(attrs.length >= 6 && attrs.every((a) => a.RealFieldName && a.Description));
		const d = (await call(sb, 'GET', '/Actions/GetCampaignDetails?CampaignID=1359')).json;
		for (const f of ['TargetGroupID', 'CampaignType', 'Duration', 'LeadTime', 'Notes', 'IsMultiChannel', 'IsRecurrence', 'Status', 'Channels', 'Tags']) assert.ok(f in d, f);
	});
});

describe('rate limits (fake clock)', () => {
	let sb;
	let c;
	before(async () => {
		c = clock();
		sb = await startSandbox({ now: c.now, apiKeys: { other: 'admin' } });
	});
	after(() => sb.close());

	test('50 per 10 s per key, sliding window, Optimove 429 body; triggered group not limited', async () => {
		for (let i = 0; i < 10; i++) assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		c.advance(5000);
		for (let i = 0; i < 40; i++) assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		const r = await call(sb, 'GET', '/General/GetLastDataUpdate');
		assert.equal(r.status, 429);
		assert.deepEqual(r.json, { status: 429, error: 'Too Many Requests', message: 'You have exceeded the rate limit for this API group. Please retry later.' });
		// another key has its own window
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate', { key: 'other' })).status, 200);
		// the approval group is outside the REST limit
		assert.equal((await call(sb, 'GET', '/conditional-execution/v2/triggered/settings')).status, 200);
		c.advance(4999); // t0+9999: first 10 still inside the window
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 429);
		c.advance(2); // t0+10001: the first 10 fell out
		for (let i = 0; i < 10; i++) assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 429);
		assert.equal(sb.report().keys[KEY].rateLimited, 3);
	});
	test('limits are configurable at runtime (rateLimit false, triggeredRateLimit)', async () => {
		sb.setConfig({ rateLimit: false, triggeredRateLimit: { limit: 2, windowMs: 1000 } });
		for (let i = 0; i < 60; i++) assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		assert.equal((await call(sb, 'GET', '/conditional-execution/v2/triggered/settings')).status, 200);
		assert.equal((await call(sb, 'GET', '/conditional-execution/v2/triggered/settings')).status, 200);
		assert.equal((await call(sb, 'GET', '/conditional-execution/v2/triggered/settings')).status, 429);
	});
});

describe('event listeners', () => {
	let sb;
	let rx;
	before(async () => {
		sb = await startSandbox();
		rx = await receiver();
	});
	after(async () => {
		await sb.close();
		await rx.close();
	});

	test('validation of EventTypeID / ChannelID / ListenerURL', async () => {
		const reg = (body) => call(sb, 'POST', '/General/RegisterEventListener', { body });
		assert.equal((await reg({ EventTypeID: 5, ListenerURL: rx.url, ChannelID: 505 })).status, 400);
		assert.equal((await reg({ EventTypeID: 13, ListenerURL: rx.url })).status, 400);
		assert.equal((await reg({ EventTypeID: 11, ListenerURL: rx.url })).status, 400);
		assert.equal((await reg({ EventTypeID: 6, ListenerURL: rx.url })).status, 400);
		assert.equal((await reg({ EventTypeID: 5, ListenerURL: 'ftp://x' })).status, 400);
		assert.equal((await reg({ EventTypeID: 5, ListenerURL: 'not a url' })).status, 400);
		const ok = await reg({ EventTypeID: 5, ListenerURL: rx.url });
		assert.equal(ok.status, 200);
		assert.equal(ok.text, '');
	});
	test('one URL per (type, channel) slot; replacing and unregistering are recorded', async () => {
		sb.seedListener({ EventTypeID: 13, ChannelID: 505, ListenerURL: 'https://vendor.example/optimove' });
		await call(sb, 'POST', '/General/RegisterEventListener', { body: { EventTypeID: 13, ChannelID: 505, ListenerURL: rx.url } });
		await call(sb, 'POST', '/General/RegisterEventListener', { body: { EventTypeID: 13, ChannelID: 506, ListenerURL: rx.url } });
		const list = (await call(sb, 'GET', '/General/GetRegisteredEventListeners')).json;
		assert.deepEqual(list, [
			{ EventTypeID: 5, ListenerURL: rx.url, ChannelID: null },
			{ EventTypeID: 13, ListenerURL: rx.url, ChannelID: 505 },
			{ EventTypeID: 13, ListenerURL: rx.url, ChannelID: 506 },
		]);
		const hist = sb.listeners().history;
		const rep = hist.find((h) => h.action === 'replace');
		assert.equal(rep.previousURL, 'https://vendor.example/optimove');
		assert.equal(rep.previousBy, 'foreign-vendor');
		const un = await call(sb, 'POST', '/General/UnregisterEventListener', { body: { EventTypeID: 13, ChannelID: 506 } });
		assert.equal(un.status, 200);
		const un2 = await call(sb, 'POST', '/General/UnregisterEventListener', { body: { EventTypeID: 4 } });
		assert.equal(un2.status, 200);
		assert.equal(sb.listeners().history.at(-1).action, 'unregister-missing');
		assert.equal((await call(sb, 'GET', '/General/GetRegisteredEventListeners')).json.length, 2);
	});
	test('fire type 13 and notify type 5 post the contract payloads; no listener → 404 on the control API', async () => {
		const camp = sb.createCampaign({ campaignId: 1360, customers: 5, clearanceRequiredBy: '2030-01-01 10:30:00' });
		assert.equal(camp.clearanceRequiredBy, '2030-01-01 10:30:00');
		const f = await call(sb, 'POST', '/__sandbox/fire', { key: null, body: { eventTypeId: 13, channelId: 505, campaignId: 1360 } });
		assert.equal(f.status, 200);
		assert.equal(f.json.status, 200);
		assert.deepEqual(f.json.body, { ok: true });
		const p13 = rx.calls.at(-1).json;
		assert.deepEqual(Object.keys(p13), ['EventTypeID', 'TimeStamp', 'CampaignID', 'ChannelID']);
		assert.equal(p13.CampaignID, 1360);
		assert.match(p13.TimeStamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const n = await call(sb, 'POST', '/__sandbox/campaigns/1360/notify', { key: null });
		assert.equal(n.json.status, 200);
		const p5 = rx.calls.at(-1).json;
		assert.deepEqual(Object.keys(p5), ['EventTypeID', 'TimeStamp', 'CampaignID', 'CampaignDuration', 'ClearanceRequiredBy']);
		assert.equal(p5.ClearanceRequiredBy, '2030-01-01 10:30:00');
		const none = await call(sb, 'POST', '/__sandbox/fire', { key: null, body: { eventTypeId: 3 } });
		assert.equal(none.status, 404);
	});
});

describe('campaign customers and approvals (fake clock)', () => {
	let sb;
	let c;
	before(async () => {
		c = clock();
		sb = await startSandbox({ now: c.now, rateLimit: false });
		sb.createCampaign({ campaignId: 1359, customers: 25, clearanceInMs: 60000 });
	});
	after(() => sb.close());
	const page = (q) => call(sb, 'GET', `/Customers/GetProcessedCampaignCustomers?CampaignID=1359${q}`);

	test('paging ends with a short page; attributes follow the documented formula', async () => {
		const seen = [];
		for (let skip = 0; ; skip += 10) {
			const r = await page(`&CustomerAttributes=Alias;Country;Email;VIP_Level;OptIn&CustomerAttributesDelimiter=;&$top=10&$skip=${skip}`);
			assert.equal(r.status, 200);
			seen.push(...r.json);
			if (r.json.length < 10) break;
		}
		assert.equal(seen.length, 25);
		assert.deepEqual(seen[0], { CustomerID: 'C1359-1', ActionID: 2, PromoCode: 'BONUS20', CustomerAttributes: ['Player1', 'DE', 'c1@example.test', 'Silver', 'Yes'] });
		assert.deepEqual(seen[2].CustomerAttributes.slice(-1), ['No']);
		assert.equal(seen.at(-1).CustomerID, customerIdFor(1359, 25));
		assert.deepEqual((await page('&$top=10&$skip=25')).json, []);
		const comma = await page('&CustomerAttributes=Country,Alias&CustomerAttributesDelimiter=,&$top=1');
		assert.deepEqual(comma.json[0].CustomerAttributes, ['DE', 'Player1']);
	});
	test('paging and attribute errors → 400', async () => {
		assert.equal((await page('&$top=10001')).status, 400);
		assert.equal((await page('&$top=0')).status, 400);
		assert.equal((await page('&CustomerAttributes=Alias|Country&CustomerAttributesDelimiter=|')).status, 400);
		const r = await page('&CustomerAttributes=Alias;Shoe_Size');
		assert.equal(r.status, 400);
		assert.match(r.json, /Shoe_Size/);
	});
	test('approvals: on time vs late, overwrites, never-reported = rejected', async () => {
		const send = (promos) => call(sb, 'POST', '/Integrations/UpdateCustomerPromotionStatus', { body: { TimeStamp: '2026-11-22 09:00:10', CampaignID: 1359, PromosUpdated: promos } });
		let r = await send([1, 2, 3, 4, 5].map((k) => ({ CustomerID: `C1359-${k}`, Status: k !== 2 })));
		assert.equal(r.status, 200);
		assert.equal(r.text, '');
		r = await send([{ CustomerID: 'C1359-3', Status: false }, { CustomerID: 'nobody', Status: true }]); // overwrite + unknown
		assert.equal(r.status, 200);
		c.advance(61000); // past ClearanceRequiredBy
		r = await send([{ CustomerID: 'C1359-6', Status: true }, { CustomerID: 'C1359-1', Status: false }]);
		assert.equal(r.status, 200);
		const a = sb.approvals(1359);
		assert.deepEqual(a.approved, ['C1359-1', 'C1359-4', 'C1359-5']);
		assert.deepEqual(a.lateApproved, ['C1359-6']);
		const counts = a.counts;
		assert.equal(counts.approved, 3);
		assert.equal(counts.rejected, 22);
		assert.equal(counts.rejectedReported, 2);
		assert.equal(counts.neverReported, 20);
		assert.equal(counts.lateApproved, 1);
		assert.equal(counts.lateRejected, 1);
		assert.equal(counts.overwrites, 2);
		assert.equal(counts.unknownCustomers, 1);
		assert.equal(counts.lateCalls, 1);
		const http = await call(sb, 'GET', '/__sandbox/approvals?campaignId=1359', { key: null });
		assert.deepEqual(http.json.approved, a.approved);
		const rep = sb.report().campaigns[0];
		assert.equal(rep.wouldReceive, 3);
		assert.equal(rep.conditional, true);
		// channel side sees only approved customers of a conditional campaign
		const ex = await call(sb, 'GET', '/Customers/GetCustomerExecutionDetailsByCampaign?CampaignID=1359&ChannelID=505&CustomerAttributes=Email&$top=10&$skip=1');
		assert.deepEqual(ex.json.map((x) => x.CustomerID), ['C1359-4', 'C1359-5']);
		assert.equal(ex.json[0].CustomerAttributes[0], 'c4@example.test');
		const sd = await call(sb, 'GET', '/Customers/GetCustomerSendDetailsByChannel?ChannelID=505&CampaignID=1359');
		assert.equal(sd.json.length, 3);
		assert.deepEqual((await call(sb, 'GET', '/Customers/GetCustomerSendDetailsByChannel?ChannelID=506&CampaignID=1359')).json, []);
	});
	test('approval validation: >10000, non-boolean Status, missing TimeStamp, unknown campaign', async () => {
		const send = (body) => call(sb, 'POST', '/Integrations/UpdateCustomerPromotionStatus', { body });
		const big = Array.from({ length: 10001 }, (_, i) => ({ CustomerID: `C1359-${i + 1}`, Status: true }));
		assert.equal((await send({ TimeStamp: '2026-11-22 09:00:00', CampaignID: 1359, PromosUpdated: big })).status, 400);
		assert.equal((await send({ TimeStamp: '2026-11-22 09:00:00', CampaignID: 1359, PromosUpdated: [{ CustomerID: 'C1359-1', Status: 'true' }] })).status, 400);
		assert.equal((await send({ CampaignID: 1359, PromosUpdated: [] })).status, 400);
		assert.equal((await send({ TimeStamp: '2026-11-22 09:00:00', CampaignID: 4242, PromosUpdated: [] })).status, 404);
	});
	test('cancel: GetCanceledCampaignCustomers lists the target group', async () => {
		assert.deepEqual((await call(sb, 'GET', '/Customers/GetCanceledCampaignCustomers?CampaignID=1359')).json, []);
		await call(sb, 'POST', '/__sandbox/campaigns/1359/cancel', { key: null });
		const r = await call(sb, 'GET', '/Customers/GetCanceledCampaignCustomers?CampaignID=1359');
		assert.equal(r.json.length, 25);
		assert.deepEqual(r.json[0], { CustomerID: 'C1359-1', ActionID: '2', PromoCode: 'BONUS20' });
		assert.equal(sb.report().campaigns[0].wouldReceive, 0);
	});
	test('1M-customer campaign pages stay cheap', async () => {
		sb.createCampaign({ campaignId: 9000, customers: 1_000_000 });
		// The last page of a million, read without building the campaign's customers (speed: bench/campaign-1m.mjs).
		const r = await call(sb, 'GET', '/Customers/GetProcessedCampaignCustomers?CampaignID=9000&CustomerAttributes=Alias;Country&$top=10000&$skip=990000');
		assert.equal(r.json.length, 10000);
		assert.equal(r.json[0].CustomerID, 'C9000-990001');
		assert.equal(r.json.at(-1).CustomerID, 'C9000-1000000');
		const promos = Array.from({ length: 10000 }, (_, i) => ({ CustomerID: `C9000-${i * 100 + 1}`, Status: i % 2 === 0 }));
		c.t = T0; // before its clearance
		const a = await call(sb, 'POST', '/Integrations/UpdateCustomerPromotionStatus', { body: { TimeStamp: '2026-11-22 09:00:00', CampaignID: 9000, PromosUpdated: promos } });
		assert.equal(a.status, 200);
		assert.equal(sb.approvals(9000).count, 5000);
	});
});

describe('server-side events', () => {
	let sb;
	let c;
	before(async () => {
		c = clock();
		sb = await startSandbox({ now: c.now });
	});
	after(() => sb.close());

	test('signed batch accepted; duplicates counted', async () => {
		const r = await postEvents(sb, [event(), event({ event: 'custom_thing', customer: undefined, visitor: 'v1', context: { a_b: true } })]);
		assert.equal(r.status, 200);
		assert.equal(r.json.status, 'success');
		const single = await postEvents(sb, event());
		assert.equal(single.json.status, 'success');
		const e = sb.events();
		assert.equal(e.accepted, 3);
		assert.equal(e.duplicates, 1);
		assert.equal(e.recent.length, 3);
	});
	test('bad or missing signature → 401; validation errors → 200 status error', async () => {
		assert.equal((await postEvents(sb, [event()], { token: 'wrong' })).status, 401);
		const raw = JSON.stringify([event()]);
		assert.equal((await postEvents(sb, [event()], { headers: { 'X-Optimove-Signature-Content': hmacHex('sandbox-events-token', raw) } })).status, 401);
		const cases = [
			Array.from({ length: 11 }, () => event()),
			[event({ timestamp: '2026-11-22T09:00:00Z' })],
			[event({ timestamp: '2026-11-22 09:00:00.000 UTC' })],
			[event({ tenant: 999 })],
			[event({ visitor: 'v1' })],
			[event({ customer: undefined })],
			[event({ event: 'DepositMade' })],
			[event({ context: { ootb_deposit_amount: 5 } })],
			[event({ event: 'ootb_game_session', context: { ootb_game_code: 'g' } })],
			[event({ context: { ootb_transaction_id: 'x'.repeat(256) } })],
			[event(), event({ context: 'nope' })],
			[],
		];
		for (const evs of cases) {
			const r = await postEvents(sb, evs);
			assert.equal(r.status, 200, JSON.stringify(evs).slice(0, 80));
			assert.equal(r.json.status, 'error', JSON.stringify(evs).slice(0, 80));
			assert.match(r.json.message, /^Failed to validate the event/);
		}
		const rep = sb.report().events;
		assert.equal(rep.accepted, 3);
		assert.equal(rep.rejectReasons.batch_size, 2);
		assert.ok(rep.rejectReasons.missing_mandatory >= 2);
		assert.equal(rep.rejectReasons.signature_mismatch, 1);
	});
	test('registration / user-details requests: 50 per 10 s; other events not limited', async () => {
		const reg = [event({ event: 'ootb_registration', context: { ootb_status: 'Completed' } })];
		for (let i = 0; i < 50; i++) assert.equal((await postEvents(sb, reg)).json.status, 'success');
		const r = await postEvents(sb, [event({ event: 'ootb_user_details_update', context: {} })]);
		assert.equal(r.status, 429);
		assert.equal(r.json.error, 'Too Many Requests');
		assert.equal((await postEvents(sb, [event({ context: { ootb_transaction_id: 'tx-9' } })])).json.status, 'success');
		c.advance(10001);
		assert.equal((await postEvents(sb, reg)).json.status, 'success');
		assert.equal(sb.report().events.rateLimited, 1);
	});
});

describe('triggered conditional execution', () => {
	let sb;
	let c;
	let rx;
	before(async () => {
		c = clock();
		sb = await startSandbox({ now: c.now, webhookSecret: 'abcdefg' });
		rx = await receiver();
	});
	after(async () => {
		await sb.close();
		await rx.close();
	});
	const base = '/conditional-execution/v2/triggered';

	test('Optimove test vector', () => {
		assert.equal(hmacHex('abcdefg', 'I love cupcakes'), 'c0fa1bc00531bd78ef38c628449c5102aeabd49b5dc3a2a516ea6ea959d6658e');
	});
	test('webhook CRUD and settings', async () => {
		const created = await call(sb, 'POST', `${base}/webhooks/`, { body: { url: rx.url } });
		assert.equal(created.status, 201);
		assert.deepEqual(created.json, { url: rx.url, id: 'webhook1' });
		assert.equal((await call(sb, 'POST', `${base}/webhooks/`, { body: { url: 'nope' } })).status, 400);
		assert.deepEqual((await call(sb, 'GET', `${base}/webhooks/`)).json, [{ url: rx.url, id: 'webhook1' }]);
		assert.equal((await call(sb, 'GET', `${base}/webhooks/webhook1`)).json.id, 'webhook1');
		const extra = await call(sb, 'POST', `${base}/webhooks`, { body: { url: 'http://127.0.0.1:9/x' } });
		assert.equal((await call(sb, 'DELETE', `${base}/webhooks/${extra.json.id}`)).status, 204);
		assert.equal((await call(sb, 'DELETE', `${base}/webhooks/${extra.json.id}`)).status, 404);
		assert.equal((await call(sb, 'GET', `${base}/webhooks/missing`)).status, 404);
		const s = await call(sb, 'PUT', `${base}/settings`, { body: { timeout: 3000, secret: 'abcdefg' } });
		assert.deepEqual(s.json, { timeout: 3000, secret: 'abcdefg' });
		assert.deepEqual((await call(sb, 'GET', `${base}/settings`)).json, { timeout: 3000, secret: 'abcdefg' });
	});
	test('notifications are signed over the exact bytes; forged/tampered/unsigned are not', async () => {
		const out = await sb.fireTriggered({ count: 2, mode: 'signed' });
		assert.equal(out.count, 2);
		assert.deepEqual(out.byStatus, { 200: 2 });
		for (const call of rx.calls) {
			const sig = createHmac('sha256', 'abcdefg').update(call.raw).digest('hex');
			assert.equal(call.headers['optimove-signature-content'], sig);
			const n = call.json;
			assert.equal(n.conditional_execution_approval_deadline - n.timestamp, 3000);
			assert.match(n.request_uid, /^[0-9a-f-]{36}$/);
			assert.equal(typeof n.user.user_id, 'string');
			assert.equal(n.occurrence.communication_type, 'triggered');
		}
		rx.calls.length = 0;
		await sb.fireTriggered({ count: 1, mode: 'forged' });
		await sb.fireTriggered({ count: 1, mode: 'tampered' });
		await sb.fireTriggered({ count: 1, mode: 'unsigned' });
		const [forged, tampered, unsigned] = rx.calls;
		const ok = (cl) => cl.headers['optimove-signature-content'] === createHmac('sha256', 'abcdefg').update(cl.raw).digest('hex');
		assert.equal(ok(forged), false);
		assert.equal(ok(tampered), false);
		assert.equal(unsigned.headers['optimove-signature-content'], undefined);
	});
	test('approvals: first answer wins, duplicates and unknown uids recorded, late flagged, latency measured', async () => {
		rx.calls.length = 0;
		await sb.fireTriggered({ count: 2 });
		const [n1, n2] = rx.calls.map((x) => x.json);
		const approve = (uid, approved, ts = c.t) => call(sb, 'POST', `${base}/approval`, { body: { timestamp: ts, request_uid: uid, approved, additional_data: {} } });
		assert.equal((await approve(n1.request_uid, true)).status, 200);
		assert.equal((await approve(n1.request_uid, false)).status, 200);
		assert.equal((await approve('00000000-0000-4000-8000-000000000000', true)).status, 404);
		assert.equal((await call(sb, 'POST', `${base}/approval`, { body: { request_uid: n2.request_uid, approved: 'yes', timestamp: 1 } })).status, 400);
		c.advance(3001);
		assert.equal((await approve(n2.request_uid, true)).status, 200);
		const rec1 = sb.notification(n1.request_uid);
		assert.equal(rec1.approval.approved, true);
		assert.equal(rec1.duplicates, 1);
		assert.equal(rec1.approval.late, false);
		assert.ok(rec1.approval.latencyMs > 0);
		assert.equal(sb.notification(n2.request_uid).approval.late, true);
		const t = sb.report().triggered;
		assert.equal(t.approvals, 2);
		assert.equal(t.late, 1);
		assert.equal(t.duplicates, 1);
		assert.equal(t.conflictingDuplicates, 1);
		assert.equal(t.unknownRequestUid, 1);
		assert.equal(t.latencyMs.count, 2);
	});
	test('open loop: fires on a fixed timer without waiting for answers', async () => {
		const log = [];
		const slow = await receiver(async () => {
			log.push('arrived');
			await new Promise((r) => setTimeout(r, 150));
			log.push('answered');
			return { status: 200 };
		});
		const s2 = await startSandbox();
		await call(s2, 'POST', `${base}/webhooks/`, { body: { url: slow.url } });
		const out = await call(s2, 'POST', '/__sandbox/triggered', { key: null, body: { count: 10, ratePerSec: 100 } });
		assert.equal(out.json.results.length, 10);
		// Open loop: every notification arrived before the first answer came back.
		assert.deepEqual(log.slice(0, 10), Array(10).fill('arrived'));
		assert.equal(log.filter((event) => event === 'answered').length, 10);
		const sent = out.json.results.map((r) => r.sentAt);
		assert.deepEqual(sent, [...sent].sort((a, b) => a - b));
		const job = await call(s2, 'POST', '/__sandbox/triggered', { key: null, body: { count: 2, async: true } });
		assert.equal(job.status, 202);
		let st;
		for (let i = 0; i < 100; i++) {
			st = (await call(s2, 'GET', job.json.poll, { key: null })).json;
			if (st.done) break;
			await new Promise((r) => setTimeout(r, 20));
		}
		assert.deepEqual(st.result.byStatus, { 200: 2 });
		await s2.close();
		await slow.close();
	});
});

describe('faults', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({ rateLimit: false, seed: 7 });
	});
	after(() => sb.close());

	test('429 / 500 / reset knobs, Retry-After, next-queue, match, latency', async () => {
		sb.setFaults({ rate429: 1, retryAfter: 2 });
		let r = await call(sb, 'GET', '/General/GetLastDataUpdate');
		assert.equal(r.status, 429);
		assert.equal(r.headers.get('retry-after'), '2');
		assert.equal(r.json.error, 'Too Many Requests');
		sb.setFaults({ rate429: 0, rate500: 1 });
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 500);
		sb.setFaults({ rate500: 0, resetRate: 1 });
		await assert.rejects(call(sb, 'GET', '/General/GetLastDataUpdate'));
		sb.setFaults({ resetRate: 0, next: [500, 'reset'] });
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 500);
		await assert.rejects(call(sb, 'GET', '/General/GetLastDataUpdate'));
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		sb.setFaults({ rate500: 1, match: 'reportServer' });
		assert.equal((await call(sb, 'GET', '/General/GetLastDataUpdate')).status, 200);
		assert.equal((await postEvents(sb, [event()])).status, 500);
		assert.equal(sb.events().accepted, 0, 'faulted events are not recorded');
		// Latency delays the matched route only: a later, unmatched call answers first.
		sb.setFaults({ rate500: 0, match: 'GetLastDataUpdate', latencyMs: 60 });
		const order = [];
		await Promise.all([
			call(sb, 'GET', '/General/GetLastDataUpdate').then(() => order.push('delayed')),
			call(sb, 'GET', '/Actions/GetExecutionChannels').then(() => order.push('not delayed')),
		]);
		assert.deepEqual(order, ['not delayed', 'delayed']);
		sb.setFaults({ latencyMs: 0, match: null });
		assert.throws(() => sb.setFaults({ rate429: 2 }));
		assert.throws(() => sb.setFaults({ bogus: 1 }));
		const inj = sb.report().faults.injected;
		assert.equal(inj[429], 1);
		assert.equal(inj[500], 3);
		assert.equal(inj.reset, 2);
	});
	test('faulted approvals are not recorded; control API sets knobs', async () => {
		sb.createCampaign({ campaignId: 77, customers: 3 });
		const r = await call(sb, 'POST', '/__sandbox/faults', { key: null, body: { rate429: 1 } });
		assert.equal(r.json.rate429, 1);
		const a = await call(sb, 'POST', '/Integrations/UpdateCustomerPromotionStatus', { body: { TimeStamp: '2026-11-22 09:00:00', CampaignID: 77, PromosUpdated: [{ CustomerID: 'C77-1', Status: true }] } });
		assert.equal(a.status, 429);
		assert.equal(sb.approvals(77).count, 0);
		await call(sb, 'POST', '/__sandbox/faults', { key: null, body: { rate429: 0 } });
	});
});

describe('customer attributes, promotions, templates, control API', () => {
	let sb;
	let rx;
	before(async () => {
		sb = await startSandbox({ rateLimit: false });
		rx = await receiver();
	});
	after(async () => {
		await sb.close();
		await rx.close();
	});

	test('UpdateCustomerAttributes: 202, stored values, INVALID_FIELD callback, limits', async () => {
		const r = await call(sb, 'POST', '/Customers/UpdateCustomerAttributes', {
			body: {
				CustomerNewAttributesValuesList: [
					{ CustomerID: '0192837821', Attributes: [{ RealFieldName: 'VIP_Level', Value: 'Gold' }, { RealFieldName: 'Shoe_Size', Value: '44' }] },
				],
				CallbackURL: rx.url,
			},
		});
		assert.equal(r.status, 202);
		assert.ok(r.json.requestId);
		for (let i = 0; i < 50 && !rx.calls.length; i++) await new Promise((res) => setTimeout(res, 10));
		assert.deepEqual(rx.calls[0].json, { isSuccess: false, errors: [{ error: 'INVALID_FIELD', customerId: '0192837821', realFieldName: 'Shoe_Size' }], requestId: r.json.requestId });
		const g = await call(sb, 'GET', '/Customers/0192837821/Attributes');
		assert.deepEqual(g.json.find((a) => a.RealFieldName === 'VIP_Level'), { RealFieldName: 'VIP_Level', Alias: 'VIP Level', FieldType: 'Nvarchar', Value: 'Gold' });
		assert.equal((await call(sb, 'GET', '/Customers/nobody/Attributes')).status, 404);
		const many = Array.from({ length: 1001 }, (_, i) => ({ CustomerID: `x${i}`, Attributes: [{ RealFieldName: 'Alias', Value: 'a' }] }));
		assert.equal((await call(sb, 'POST', '/Customers/UpdateCustomerAttributes', { body: { CustomerNewAttributesValuesList: many } })).status, 400);
		const wide = [{ CustomerID: 'x', Attributes: Array.from({ length: 11 }, () => ({ RealFieldName: 'Alias', Value: 'a' })) }];
		assert.equal((await call(sb, 'POST', '/Customers/UpdateCustomerAttributes', { body: { CustomerNewAttributesValuesList: wide } })).status, 400);
		// stored values show up in campaign reads
		sb.createCampaign({ campaignId: 5, customers: 2 });
		await call(sb, 'POST', '/Customers/UpdateCustomerAttributes', { body: { CustomerNewAttributesValuesList: [{ CustomerID: 'C5-2', Attributes: [{ RealFieldName: 'Country', Value: 'MT' }] }] } });
		const p = await call(sb, 'GET', '/Customers/GetProcessedCampaignCustomers?CampaignID=5&CustomerAttributes=Country');
		assert.deepEqual(p.json.map((x) => x.CustomerAttributes[0]), ['DE', 'MT']);
	});
	test('promotions: deterministic eligibility, redemptions recorded', async () => {
		const v = await call(sb, 'POST', '/promotions/v1/promocodes/DEP10/validateCustomers', { body: { contexts: [{ customerId: 'C1-7' }, { customerId: 'C1-8' }], campaignData: { campaignId: 1 } } });
		assert.equal(v.status, 200);
		assert.equal(v.json[0].valid, false);
		assert.equal(v.json[1].valid, true);
		assert.equal(v.json[1].tier, 'Bronze');
		assert.equal(v.json[1].effects.length, 1);
		assert.equal((await call(sb, 'POST', '/promotions/v1/promocodes/unknown-1/validateCustomers', { body: { contexts: [{ customerId: 'a' }] } })).status, 404);
		assert.equal((await call(sb, 'POST', '/promotions/v1/promocodes/X/validateCustomers', { key: null, body: { contexts: [{ customerId: 'a' }] } })).status, 401);
		const rd = await call(sb, 'POST', '/promotions/v1/redemptions', { body: [{ promotionId: 'DEP10', customerId: 'C1-8', timestamp: 1 }, { promotionId: 'DEP10', customerId: 'C1-8', timestamp: 2 }] });
		assert.deepEqual(rd.json, { accepted: 2, duplicates: 1 });
		assert.equal(sb.report().promotions.redemptions, 2);
	});
	test('channel templates and metrics: 100-item limits', async () => {
		assert.equal((await call(sb, 'POST', '/Integrations/AddChannelTemplates?ChannelID=506', { body: [{ TemplateID: 9, TemplateName: 'Push 9' }] })).status, 200);
		assert.deepEqual((await call(sb, 'GET', '/Integrations/GetChannelTemplates?ChannelID=506')).json, [{ TemplateID: 9, TemplateName: 'Push 9' }]);
		const tooMany = Array.from({ length: 101 }, (_, i) => ({ TemplateID: i, TemplateName: `t${i}` }));
		assert.equal((await call(sb, 'POST', '/Integrations/AddChannelTemplates?ChannelID=506', { body: tooMany })).status, 400);
		assert.equal((await call(sb, 'POST', '/Integrations/DeleteChannelTemplates', { body: [{ ChannelID: 506, TemplateID: 9 }] })).status, 200);
		assert.deepEqual((await call(sb, 'GET', '/Integrations/GetChannelTemplates?ChannelID=506')).json, []);
		assert.equal((await call(sb, 'POST', '/Integrations/UpdateCampaignMetrics', { body: [{ ChannelID: 505, CampaignID: 1, TemplateID: 7, MetricID: 'opens', MetricValue: 3 }] })).status, 200);
		assert.equal((await call(sb, 'POST', '/Integrations/UpdateCampaignMetrics', { body: Array(101).fill({}) })).status, 400);
	});
	test('control API: health, campaigns, report (text and json), reset', async () => {
		assert.equal((await call(sb, 'GET', '/__sandbox/health', { key: null })).json.ok, true);
		const c = await call(sb, 'POST', '/__sandbox/campaigns', { key: null, body: { customers: 3, clearanceInMs: 120000 } });
		assert.equal(c.status, 201);
		assert.equal(c.json.firstCustomerId, `C${c.json.campaignId}-1`);
		const text = await call(sb, 'GET', '/__sandbox/report', { key: null });
		assert.match(text.text, /Campaigns/);
		const json = await call(sb, 'GET', '/__sandbox/report?format=json', { key: null });
		assert.ok(json.json.campaigns.length >= 1);
		assert.ok(json.json.keys[KEY].requests > 0);
		assert.equal((await call(sb, 'POST', '/__sandbox/reset', { key: null })).status, 200);
		assert.equal((await call(sb, 'GET', '/__sandbox/state', { key: null })).json.campaigns, 0);
		assert.equal((await call(sb, 'GET', '/__sandbox/nope', { key: null })).status, 404);
	});
	test('channel provider stand-in: send, re-send, withdraw, report; recent profiles in the report', async () => {
		const send = (body) => call(sb, 'POST', '/__sandbox/channel/send', { key: null, body });
		assert.equal((await send([{ campaignId: 9, channelId: 505, customerId: 'a', templateId: 7, text: 'hi a' }, { campaignId: 9, customerId: 'b', templateId: 8 }])).json.accepted, 2);
		assert.equal((await send({ campaignId: 9, customerId: 'a', templateId: 7 })).status, 200);
		assert.equal((await send({ campaignId: 9 })).status, 400);
		const cancel = await call(sb, 'POST', '/__sandbox/channel/cancel', { key: null, body: [{ campaignId: 9, customerId: 'a' }, { campaignId: 9, customerId: 'zz' }] });
		assert.deepEqual(cancel.json, { withdrawn: 1, notScheduled: 1 });
		const ch = (await call(sb, 'GET', '/__sandbox/channel', { key: null })).json;
		assert.equal(ch.sent, 2);
		assert.equal(ch.duplicates, 1);
		assert.equal(ch.withdrawn, 1);
		assert.deepEqual(ch.campaigns[0], { campaignId: '9', channelId: 505, messages: 2, withdrawn: 1, delivered: 1, byTemplate: { 7: 2, 8: 1 }, sample: [{ customerId: 'b', templateId: 8, text: null }] });
		const upd = await call(sb, 'POST', '/Customers/UpdateCustomerAttributes', { body: { CustomerNewAttributesValuesList: [{ CustomerID: 'P1', Attributes: [{ RealFieldName: 'EmailStatus', Value: 'Unsubscribed' }, { RealFieldName: 'OptIn', Value: 'No' }] }] } });
		assert.equal(upd.status, 202);
		const report = await call(sb, 'GET', '/__sandbox/report', { key: null });
		assert.match(report.text, /campaign 9 channel 505: 1 will receive, 1 withdrawn/);
		assert.match(report.text, /P1: EmailStatus=Unsubscribed, OptIn=No/);
	});
});
