import { createHmac } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { REST_CREDENTIALS } from '../helpers/n8nContext';
import { failure, NOW, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

// Conditional Execution → Verify Triggered Notification, after n8n's Webhook node with Raw Body on.

useTestClock();
const SECRET = REST_CREDENTIALS.optimoveApi.webhookSecret;

const notification = (overrides: IDataObject = {}) => ({
	timestamp: NOW - 200,
	conditional_execution_approval_deadline: NOW + 4800,
	request_uid: 'req-1',
	is_hashed: false,
	user: { user_id: 'C1', is_visitor: false, personalization: {} },
	occurrence: { action: { id: 1, name: 'a', is_control: false, promotions: [], channels: [] } },
	trigger_context: { id: 1, name: 't', events: [] },
	...overrides,
});

/** The item n8n's Webhook node (Raw Body on) outputs for these bytes and headers. */
function webhookItem(raw: string, headers: IDataObject): INodeExecutionData {
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		body = {};
	}
	return {
		json: { headers: { 'content-type': 'application/json', ...headers }, params: {}, query: {}, body: body as IDataObject },
		binary: { data: { data: Buffer.from(raw).toString('base64'), mimeType: 'application/json' } },
	};
}
const sign = (raw: string, secret = SECRET) => createHmac('sha256', secret).update(raw).digest('hex');
const signed = (raw: string, header = 'optimove-signature-content') => webhookItem(raw, { [header]: sign(raw) });
const verify = (items: INodeExecutionData[], params: IDataObject = {}, extra: { continueOnFail?: boolean; credentials?: IDataObject } = {}) =>
	run('conditionalExecution', 'verifyTriggeredNotification', { params: { binaryPropertyName: 'data', options: {}, ...params }, items, ...extra });

describe('Conditional Execution: Verify Triggered Notification', () => {
	it('passes a correctly signed notification, output as the Optimove Trigger outputs it; no request to Optimove', async () => {
		// Spacing and key order the way Optimove sent them: the check is over these bytes.
		const raw = JSON.stringify(notification(), null, 1);
		const { output, requests } = await verify([signed(raw), signed(raw, 'x-optimove-signature-content')]);
		expect(requests).toEqual([]);
		expect(output[0].json).toMatchObject({
			source: 'triggeredConditionalExecution',
			requestUid: 'req-1',
			userId: 'C1',
			isVisitor: false,
			signatureVerified: true,
			approvalDeadline: new Date(NOW + 4800).toISOString(),
			msUntilDeadline: 4800,
			body: notification(),
		});
		expect(output[1].json.requestUid).toBe('req-1');
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('accepts the sha256= prefix and any hex case', async () => {
		const raw = JSON.stringify(notification());
		const { output } = await verify([webhookItem(raw, { 'optimove-signature-content': `sha256=${sign(raw).toUpperCase()}` })]);
		expect(output[0].json.signatureVerified).toBe(true);
	});

	it.each([
		['forged (another secret)', (raw: string) => webhookItem(raw, { 'optimove-signature-content': sign(raw, 'not-the-secret') })],
		['unsigned', (raw: string) => webhookItem(raw, {})],
		['tampered after signing', (raw: string) => webhookItem(raw.replace('"C1"', '"C2"'), { 'optimove-signature-content': sign(raw) })],
		['re-serialised (whitespace differs from the signed bytes)', (raw: string) => webhookItem(JSON.stringify(JSON.parse(raw), null, 2), { 'optimove-signature-content': sign(raw) })],
	])('refuses a notification that is %s: the item fails and nothing goes on', async (_what, make) => {
		const raw = JSON.stringify(notification());
		const error = await failure(verify([make(raw)]));
		expect(error.message).toBe('Item 0: not a genuine Optimove notification: missing or invalid signature');
		const { output } = await verify([make(raw), signed(raw)], {}, { continueOnFail: true });
		expect(output[0].json.error).toMatch(/not a genuine Optimove notification/);
		expect(output[1].json.signatureVerified).toBe(true);
	});

	it('refuses a notification outside the replay window, either way, and passes one inside it', async () => {
		const old = JSON.stringify(notification({ timestamp: NOW - 31_000 }));
		const future = JSON.stringify(notification({ timestamp: NOW + 31_000 }));
		const fresh = JSON.stringify(notification({ timestamp: NOW - 29_000 }));
		const { output } = await verify([signed(old), signed(future), signed(fresh)], { options: { maxAgeSeconds: 30 } }, { continueOnFail: true });
		expect(output.map((o) => o.json.error ?? o.json.requestUid)).toEqual([
			'Item 0: not a genuine Optimove notification: notification timestamp outside the 30 s replay window',
			'Item 1: not a genuine Optimove notification: notification timestamp outside the 30 s replay window',
			'req-1',
		]);
	});

	it('says to switch on Raw Body when the exact bytes are missing', async () => {
		const item = signed(JSON.stringify(notification()));
		delete item.binary;
		const error = await failure(verify([item]));
		expect(error.message).toBe('Item 0: no raw body in the binary property "data"');
		expect(error.description).toMatch(/Raw Body/);
	});

	it('refuses to run without a signing secret on the credential (it could verify nothing)', async () => {
		const raw = JSON.stringify(notification());
		const error = await failure(verify([signed(raw)], {}, { credentials: { ...REST_CREDENTIALS.optimoveApi, webhookSecret: '' } }));
		expect(error.message).toMatch(/No Webhook Signing Secret on the Optimove API credential/);
	});

	it('a signed body that is not a JSON object is refused', async () => {
		const { output } = await verify([signed('[1,2]'), signed('not json')], {}, { continueOnFail: true });
		expect(output.map((o) => o.json.error)).toEqual([
			'Item 0: not a genuine Optimove notification: the body must be a JSON object',
			'Item 1: not a genuine Optimove notification: malformed JSON body',
		]);
	});
});
