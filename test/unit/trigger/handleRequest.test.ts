import { createHash, createHmac } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { OptimoveTrigger } from '../../../nodes/OptimoveTrigger/OptimoveTrigger.node';
import { clearSigningSecrets } from '../../../nodes/OptimoveTrigger/signingSecret';
import { useVirtualClock } from '../helpers/clock';
import { fakeSecret, n8nContext } from '../helpers/n8nContext';

const trigger = new OptimoveTrigger();
const TOKEN = 'a'.repeat(64);
const TEST_TOKEN = 'c'.repeat(64);
const SECRET = fakeSecret('webhook-secret');
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

let clock: ReturnType<typeof useVirtualClock>;
beforeEach(() => {
	clearSigningSecrets();
	clock = useVirtualClock(NOW);
});
afterEach(() => clock.restore());

interface Call {
	body: string | Buffer;
	headers?: IDataObject;
	query?: IDataObject;
	params?: IDataObject;
	secret?: string;
	/** The credential's id: set it to let the node cache the secret between requests. */
	credentialId?: string;
	getCredentials?: () => Promise<IDataObject>;
	/** 'manual' for the test URL ("listen for test event"), 'webhook' for the production URL. */
	mode?: 'manual' | 'webhook';
	/**
	 * n8n left the body unread (a content type it does not parse, from typeVersion 1.1 on): the node
	 * must call readRawBody(). 'too large' / 'aborted' make that call fail as n8n's reader does.
	 */
	unread?: true | 'too large' | 'aborted';
	/** Sent as application/json: n8n reads and parses the body before the node runs, as its body parser does. */
	json?: true;
	/** The node's static data; default: the hashes of TOKEN (production) and TEST_TOKEN (test). */
	staticData?: IDataObject;
}

function requestObject(call: Call) {
	const bytes = Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body);
	if (call.json) {
		const text = bytes.toString('utf8');
		return { rawBody: bytes, contentType: 'application/json', body: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown };
	}
	if (!call.unread) return { rawBody: bytes };
	const request: { rawBody?: Buffer; readRawBody: () => Promise<void>; reads: number } = {
		rawBody: undefined,
		reads: 0,
		async readRawBody() {
			request.reads++;
			if (call.unread === 'too large') throw Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
			if (call.unread === 'aborted') throw Object.assign(new Error('Request body stream was aborted'), { status: 400 });
			request.rawBody = bytes;
		},
	};
	return request;
}

async function deliver(call: Call) {
	const request = requestObject(call);
	const { ctx, response } = n8nContext({
		kind: 'webhook',
		mode: call.mode ?? 'webhook',
		params: { source: 'eventListeners', options: {}, ...call.params },
		request: { object: request, headers: call.headers, query: call.query ?? { token: TOKEN } },
		staticData: call.staticData ?? { production: { tokenHash: sha256(TOKEN) }, test: { tokenHash: sha256(TEST_TOKEN) } },
		node: { credentials: { optimoveApi: { id: call.credentialId ?? null, name: 'Optimove' } } },
		credentials: call.getCredentials ?? (async () => ({ webhookSecret: call.secret ?? SECRET })),
	});
	const result = await trigger.webhook.call(ctx as never);
	return { result, response, item: result.workflowData?.[0][0].json, request };
}

const sign = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

function notification(extra: IDataObject = {}): string {
	return JSON.stringify({
		timestamp: NOW - 200,
		conditional_execution_approval_deadline: NOW + 4800,
		request_uid: 'req-1',
		is_hashed: false,
		user: { user_id: 'C42', is_visitor: false, personalization: { first_name: 'Ada' } },
		occurrence: { action: { id: 7 } },
		vendor_field: 'kept',
		...extra,
	});
}
const triggered = { source: 'triggeredConditionalExecution' };

describe('Optimove Trigger webhook: listener calls', () => {
	it('passes the payload through and normalises type 5 (clearance as ISO UTC, time left)', async () => {
		const body = JSON.stringify({ EventTypeID: 5, TimeStamp: '2026-11-22 09:00:00', CampaignID: 1359, CampaignDuration: 1, ClearanceRequiredBy: '2026-11-22 09:30:00', Extra: 'x' });
		const { result, item } = await deliver({ body });
		expect(result.webhookResponse).toEqual({ received: true });
		expect(item).toEqual({
			source: 'eventListener',
			eventTypeId: 5,
			eventType: 'Scheduled Conditional Execution',
			campaignId: 1359,
			timeStamp: '2026-11-22T09:00:00Z',
			clearanceRequiredBy: '2026-11-22T09:30:00Z',
			msUntilClearance: 30 * 60 * 1000,
			timestamps: { TimeStamp: '2026-11-22T09:00:00Z', ClearanceRequiredBy: '2026-11-22T09:30:00Z' },
			body: JSON.parse(body),
		});
	});

	it('flags an unknown event type and still passes it through', async () => {
		const { item } = await deliver({ body: '{"EventTypeID":99,"TimeStamp":"2026-11-22 09:00:00"}' });
		expect(item).toMatchObject({ eventTypeId: 99, unknownEventType: true, eventType: 'Unknown event type (99)' });
	});

	it.each([
		['a missing token', {}],
		['a wrong token', { token: 'b'.repeat(64) }],
		['a token of another length', { token: 'a' }],
	])('answers 401 for %s and starts nothing', async (_, query) => {
		const { result, response } = await deliver({ body: '{"EventTypeID":5}', query });
		expect(response.statusCode).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it("accepts each URL's own token only: the test token is no key to the production URL, nor the reverse", async () => {
		const body = '{"EventTypeID":3,"TimeStamp":"2026-11-22 09:00:00"}';
		expect((await deliver({ body, mode: 'manual', query: { token: TEST_TOKEN } })).item?.eventTypeId).toBe(3);
		expect((await deliver({ body, mode: 'manual', query: { token: TOKEN } })).response.statusCode).toBe(401);
		expect((await deliver({ body, query: { token: TEST_TOKEN } })).response.statusCode).toBe(401);
	});

	it('takes the hash on record as no token: static data is readable, the token is not', async () => {
		const { response } = await deliver({ body: '{"EventTypeID":5}', query: { token: sha256(TOKEN) } });
		expect(response.statusCode).toBe(401);
	});

	it('accepts the plain token an earlier version kept in static data, until activation replaces it by its hash', async () => {
		const staticData = { production: { token: TOKEN } };
		expect((await deliver({ body: '{"EventTypeID":5}', staticData })).item?.eventTypeId).toBe(5);
		expect((await deliver({ body: '{"EventTypeID":5}', staticData, query: { token: 'b'.repeat(64) } })).response.statusCode).toBe(401);
	});

	it.each([
		['malformed JSON', '{"EventTypeID": 5,'],
		['an empty body', ''],
		['a JSON array', '[1,2]'],
	])('answers 400 for %s', async (_, body) => {
		const { result, response } = await deliver({ body });
		expect(response.statusCode).toBe(400);
		expect(result.workflowData).toBeUndefined();
	});
});

describe('Optimove Trigger webhook: triggered notifications', () => {
	it('accepts a valid signature over the raw bytes and surfaces requestUid, userId and the deadline', async () => {
		const body = notification();
		const { item } = await deliver({ body, params: triggered, headers: { 'optimove-signature-content': sign(body) } });
		expect(item).toMatchObject({
			source: 'triggeredConditionalExecution',
			requestUid: 'req-1',
			userId: 'C42',
			isVisitor: false,
			timestamp: '2026-11-22T08:59:59.800Z',
			approvalDeadline: '2026-11-22T09:00:04.800Z',
			msUntilDeadline: 4800,
			signatureVerified: true,
		});
		expect((item?.body as IDataObject).vendor_field).toBe('kept');
	});

	it.each([
		['x-optimove-signature-content', (s: string) => s],
		['optimove-signature-content', (s: string) => `sha256=${s}`],
		['optimove-signature-content', (s: string) => s.toUpperCase()],
	])('accepts header %s in its variants', async (header, variant) => {
		const body = notification();
		const { item } = await deliver({ body, params: triggered, headers: { [header]: variant(sign(body)) } });
		expect(item?.signatureVerified).toBe(true);
	});

	it.each([
		['no signature', () => ({})],
		['a signature made with another secret', (body: string) => ({ 'optimove-signature-content': sign(body, 'wrong') })],
		['a tampered body', (body: string) => ({ 'optimove-signature-content': sign(body.replace('C42', 'C43')) })],
		[
			're-serialised JSON (same meaning, other bytes)',
			(body: string) => ({ 'optimove-signature-content': sign(JSON.stringify(JSON.parse(body), null, 1)) }),
		],
	])('answers 401 for %s', async (_, headers) => {
		const body = notification();
		const { result, response } = await deliver({ body, params: triggered, headers: headers(body) });
		expect(response.statusCode).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('checks the signature before parsing: malformed but signed JSON is a 400, unsigned garbage a 401', async () => {
		const garbage = '{"request_uid":';
		expect((await deliver({ body: garbage, params: triggered, headers: { 'optimove-signature-content': sign(garbage) } })).response.statusCode).toBe(400);
		expect((await deliver({ body: garbage, params: triggered })).response.statusCode).toBe(401);
	});

	it('without a secret on the credential, accepts but says plainly it did not verify', async () => {
		const { item } = await deliver({ body: notification(), params: triggered, secret: '' });
		expect(item?.signatureVerified).toBe(false);
		expect(item?.signatureNote).toMatch(/NOT verified/);
	});

	it('enforces the optional replay window on the notification timestamp', async () => {
		const stale = notification({ timestamp: NOW - 301_000 });
		const fresh = notification({ timestamp: NOW - 299_000 });
		const params = { ...triggered, options: { maxAgeSeconds: 300 } };
		const rejected = await deliver({ body: stale, params, headers: { 'optimove-signature-content': sign(stale) } });
		expect(rejected.response.statusCode).toBe(401);
		expect(rejected.response.body).toEqual({ message: 'Unauthorized: notification timestamp outside the 300 s replay window' });
		const accepted = await deliver({ body: fresh, params, headers: { 'optimove-signature-content': sign(fresh) } });
		expect(accepted.item?.requestUid).toBe('req-1');
	});
});

describe('Optimove Trigger webhook: signature vectors through webhook()', () => {
	const VECTOR = 'c0fa1bc00531bd78ef38c628449c5102aeabd49b5dc3a2a516ea6ea959d6658e';

	it("verifies Optimove's own example (abcdefg / I love cupcakes): past the signature, then 400 as it is not JSON", async () => {
		const body = 'I love cupcakes';
		const good = await deliver({ body, params: triggered, secret: 'abcdefg', headers: { 'optimove-signature-content': VECTOR } });
		expect(good.response).toEqual({ statusCode: 400, body: { message: 'Malformed JSON body' } });
		const wrongSecret = await deliver({ body, params: triggered, secret: 'abcdefh', headers: { 'optimove-signature-content': VECTOR } });
		expect(wrongSecret.response.statusCode).toBe(401);
		const tampered = await deliver({ body: `${body}!`, params: triggered, secret: 'abcdefg', headers: { 'optimove-signature-content': VECTOR } });
		expect(tampered.response.statusCode).toBe(401);
	});

	it('verifies the exact bytes, including non-ASCII and whitespace Optimove chose', async () => {
		const body = Buffer.from('{ "request_uid" : "r-ü",\n  "user": {"user_id":"Zoë"} }', 'utf8');
		const { item } = await deliver({ body, params: triggered, headers: { 'optimove-signature-content': sign(body) } });
		expect(item).toMatchObject({ requestUid: 'r-ü', userId: 'Zoë', signatureVerified: true });
	});

	it('answers 400 for a signed empty body, with no execution', async () => {
		const { result, response } = await deliver({ body: '', params: triggered, headers: { 'optimove-signature-content': sign('') } });
		expect(response.statusCode).toBe(400);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('normalises trigger event timestamps (seconds or ms) to ISO, keeping order', async () => {
		const body = notification({ trigger_context: { id: 1, events: [{ key: 'login', timestamp: NOW / 1000 }, { key: 'deposit', timestamp: NOW }, { key: 'x' }] } });
		const { item } = await deliver({ body, params: triggered, headers: { 'optimove-signature-content': sign(body) } });
		expect((item?.timestamps as IDataObject).triggerEvents).toEqual(['2026-11-22T09:00:00.000Z', '2026-11-22T09:00:00.000Z', null]);
	});
});

describe('Optimove Trigger webhook: the signing secret is read at most once per 10 s', () => {
	function counting(secrets: string[]) {
		const reads = { count: 0 };
		const getCredentials = async () => ({ webhookSecret: secrets[Math.min(reads.count++, secrets.length - 1)] });
		return { reads, getCredentials };
	}

	it('reads the credential once for many notifications, again after 10 s', async () => {
		const { reads, getCredentials } = counting([SECRET]);
		const body = notification();
		const headers = { 'optimove-signature-content': sign(body) };
		for (let i = 0; i < 5; i++) {
			expect((await deliver({ body, params: triggered, headers, credentialId: 'c1', getCredentials })).item?.signatureVerified).toBe(true);
		}
		expect(reads.count).toBe(1);
		clock.advance(10_000);
		await deliver({ body, params: triggered, headers, credentialId: 'c1', getCredentials });
		expect(reads.count).toBe(2);
	});

	it('a rotated secret works at once (re-read on a mismatch), but forged requests re-read at most once a second', async () => {
		const rotated = fakeSecret('rotated');
		const { reads, getCredentials } = counting([SECRET, rotated]);
		const old = notification();
		await deliver({ body: old, params: triggered, headers: { 'optimove-signature-content': sign(old) }, credentialId: 'c1', getCredentials });
		const body = notification({ request_uid: 'after-rotation' });
		const headers = { 'optimove-signature-content': sign(body, rotated) };
		expect((await deliver({ body, params: triggered, headers, credentialId: 'c1', getCredentials })).response.statusCode).toBe(401);
		expect(reads.count).toBe(1);
		clock.advance(1_000);
		expect((await deliver({ body, params: triggered, headers, credentialId: 'c1', getCredentials })).item?.requestUid).toBe('after-rotation');
		expect(reads.count).toBe(2);
		const forged = { 'optimove-signature-content': sign(body, 'attacker') };
		for (let i = 0; i < 5; i++) {
			expect((await deliver({ body, params: triggered, headers: forged, credentialId: 'c1', getCredentials })).response.statusCode).toBe(401);
		}
		expect(reads.count).toBe(2);
	});

	it('keeps credentials apart: another credential id reads its own secret', async () => {
		const body = notification();
		const headers = { 'optimove-signature-content': sign(body) };
		await deliver({ body, params: triggered, headers, credentialId: 'c1' });
		const other = await deliver({ body, params: triggered, headers, credentialId: 'c2', secret: fakeSecret('other') });
		expect(other.response.statusCode).toBe(401);
	});
});

describe('Optimove Trigger webhook: JSON bodies n8n has parsed (content type application/json)', () => {
	it('takes the object n8n parsed instead of parsing the same bytes again', async () => {
		const body = notification();
		const { item, request } = await deliver({ body, params: triggered, json: true, headers: { 'optimove-signature-content': sign(body) } });
		expect(item).toMatchObject({ requestUid: 'req-1', userId: 'C42', signatureVerified: true });
		expect(item?.body).toBe((request as { body: unknown }).body);
	});

	it('still verifies the raw bytes, not the parsed object', async () => {
		const body = notification();
		const reserialised = sign(JSON.stringify(JSON.parse(body), null, 1));
		const { result, response } = await deliver({ body, params: triggered, json: true, headers: { 'optimove-signature-content': reserialised } });
		expect(response.statusCode).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it("accepts a body with a byte-order mark, which n8n's parser drops (the signature covers the mark)", async () => {
		const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(notification())]);
		const { item } = await deliver({ body, params: triggered, json: true, headers: { 'optimove-signature-content': sign(body) } });
		expect(item).toMatchObject({ requestUid: 'req-1', signatureVerified: true });
	});

	it.each([
		['an array', '[1,2]'],
		['null', 'null'],
	])('refuses %s with 400 like any body that is not a JSON object', async (_name, body) => {
		const { response } = await deliver({ body, params: triggered, json: true, headers: { 'optimove-signature-content': sign(body) } });
		expect(response).toEqual({ statusCode: 400, body: { message: 'The body must be a JSON object' } });
	});
});

describe('Optimove Trigger webhook: bodies n8n leaves unread (typeVersion 1.1, content types it does not parse)', () => {
	it('reads the exact bytes itself, so a signed notification sent without a JSON content type verifies', async () => {
		const body = notification();
		const { item, request } = await deliver({ body, params: triggered, unread: true, headers: { 'optimove-signature-content': sign(body) } });
		expect(item).toMatchObject({ requestUid: 'req-1', signatureVerified: true });
		expect((request as { reads: number }).reads).toBe(1);
	});

	it('a listener call with such a content type is read and runs', async () => {
		const { item } = await deliver({ body: JSON.stringify({ EventTypeID: 2, TimeStamp: '2026-11-22 09:00:00' }), unread: true });
		expect(item?.eventTypeId).toBe(2);
	});

	it('checks the token before reading the body', async () => {
		const { response, request } = await deliver({ body: notification(), unread: true, query: { token: 'b'.repeat(64) } });
		expect(response.statusCode).toBe(401);
		expect((request as { reads: number }).reads).toBe(0);
	});

	it('still refuses unsigned or forged bytes with 401', async () => {
		const body = notification();
		expect((await deliver({ body, params: triggered, unread: true })).response.statusCode).toBe(401);
		expect((await deliver({ body, params: triggered, unread: true, headers: { 'optimove-signature-content': sign(body, 'other') } })).response.statusCode).toBe(401);
	});

	it.each([
		['too large', 413, 'Request body too large'],
		['aborted', 400, 'Request body could not be read'],
	] as const)('a body n8n cannot read (%s) is refused with %i and starts nothing', async (unread, status, message) => {
		const body = notification();
		const { result, response } = await deliver({ body, params: triggered, unread, headers: { 'optimove-signature-content': sign(body) } });
		expect(response).toEqual({ statusCode: status, body: { message } });
		expect(result).toEqual({ noWebhookResponse: true });
	});
});
