import { createHmac } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { OptimoveTrigger } from '../../../nodes/OptimoveTrigger/OptimoveTrigger.node';
import { useVirtualClock } from '../helpers/clock';
import { fakeSecret } from '../helpers/n8nContext';

const trigger = new OptimoveTrigger();
const TOKEN = 'a'.repeat(64);
const SECRET = fakeSecret('webhook-secret');
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

let clock: ReturnType<typeof useVirtualClock>;
beforeEach(() => {
	clock = useVirtualClock(NOW);
});
afterEach(() => clock.restore());

interface Call {
	body: string | Buffer;
	headers?: IDataObject;
	query?: IDataObject;
	params?: IDataObject;
	secret?: string;
}

async function deliver(call: Call) {
	const response = { statusCode: 200, body: undefined as unknown };
	const res = {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
	};
	const params: IDataObject = { source: 'eventListeners', options: {}, ...call.params };
	const ctx = {
		getRequestObject: () => ({ rawBody: Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body) }),
		getHeaderData: () => call.headers ?? {},
		getQueryData: () => call.query ?? { token: TOKEN },
		getNodeParameter: (name: string, fallback?: unknown) => (params[name] === undefined ? fallback : params[name]),
		getWorkflowStaticData: () => ({ production: { token: TOKEN } }),
		getCredentials: async () => ({ webhookSecret: call.secret ?? SECRET }),
		getResponseObject: () => res,
	};
	const result = await trigger.webhook.call(ctx as never);
	return { result, response, item: result.workflowData?.[0][0].json };
}

const sign = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

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
