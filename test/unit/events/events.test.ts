import { createHmac } from 'crypto';
import type { IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { REQUESTS_IN_FLIGHT } from '../../../nodes/Optimove/actions/event/send';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { OOTB_EVENTS } from '../../../nodes/shared/events/catalogue';
import { envelopeTime, parseInstant } from '../../../nodes/shared/time';
import { buildCustomEvent, buildOotbEvent } from '../../../nodes/shared/events/validate';
import type { EventInput } from '../../../nodes/shared/events/validate';
import { useTestClock } from '../helpers/clock';
import { EVENTS_CREDENTIALS, n8nContext } from '../helpers/n8nContext';

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

const clock = useTestClock(NOW);

describe('event time', () => {
	it.each([
		['ISO with a positive offset', '2024-05-27T12:30:00+02:00', '2024-05-27 10:30:00.000000 UTC'],
		['ISO with a negative offset and ms', '2024-05-27T05:30:00.123-05:00', '2024-05-27 10:30:00.123000 UTC'],
		['ISO in Z', '2024-05-27T10:30:00Z', '2024-05-27 10:30:00.000000 UTC'],
		['the spring-forward hour (+01:00 → +02:00)', '2026-03-29T03:30:00+02:00', '2026-03-29 01:30:00.000000 UTC'],
		['the fall-back hour, second pass', '2026-10-25T02:30:00+01:00', '2026-10-25 01:30:00.000000 UTC'],
		['epoch seconds', 1716805800, '2024-05-27 10:30:00.000000 UTC'],
		['epoch milliseconds', 1716805800250, '2024-05-27 10:30:00.250000 UTC'],
		['epoch seconds as text', '1716805800', '2024-05-27 10:30:00.000000 UTC'],
		["Optimove's own format keeps microseconds", '2024-05-27 10:30:00.123456 UTC', '2024-05-27 10:30:00.123456 UTC'],
		['a naive time is UTC', '2024-05-27 10:30:00', '2024-05-27 10:30:00.000000 UTC'],
		['ISO with a quarter-hour offset', '2024-05-27T16:15:00+05:45', '2024-05-27 10:30:00.000000 UTC'],
		['ISO across midnight and a year', '2025-01-01T01:30:00+02:00', '2024-12-31 23:30:00.000000 UTC'],
		['ISO without seconds (read by luxon)', '2024-05-27T12:30+02:00', '2024-05-27 10:30:00.000000 UTC'],
	])('%s', (_, input, expected) => {
		const time = parseInstant(input);
		if (typeof time === 'string') throw new Error(time);
		expect(envelopeTime(time)).toBe(expected);
		expect(envelopeTime(time)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6} UTC$/);
	});

	it.each([['yesterday'], ['2024-13-40T00:00:00Z'], ['2024-02-30T10:00:00Z'], ['2023-02-29T10:00:00+01:00'], ['2024-05-27T10:61:00Z'], [{}], [null], [true]])('refuses %j with a message that says what to use', (input) => {
		expect(parseInstant(input)).toEqual(expect.stringMatching(/ISO 8601|must be a time/));
	});
});

describe('OOTB event validation (the catalogue drives it)', () => {
	const base = (event: string, params: Record<string, unknown> = {}): EventInput => ({ event, customer: 'C1', time: '', params });
	const complete = (event: string) =>
		Object.fromEntries((OOTB_EVENTS.find((e) => e.name === event)?.mandatory ?? []).map((name) => [name, name.endsWith('timestamp') ? 1716805800 : 'k']));

	it.each(OOTB_EVENTS.filter((e) => e.mandatory.length > 0).map((e) => [e.name, e.mandatory[0]]))(
		'%s without %s is refused, naming the parameter',
		(event, missing) => {
			const params = complete(event);
			delete params[missing];
			expect(() => buildOotbEvent(base(event, params), 1234, NOW)).toThrow(`${event} requires ootb_${missing}`);
		},
	);

	it.each(OOTB_EVENTS.map((e) => [e.name]))('%s with its mandatory parameters builds the envelope', (event) => {
		const built = buildOotbEvent(base(event, complete(event)), 1234, NOW);
		expect(built).toMatchObject({ tenant: 1234, event, customer: 'C1', timestamp: '2026-11-22 09:00:00.000000 UTC' });
		for (const key of Object.keys(built.context)) expect(key.startsWith('ootb_')).toBe(true);
	});

	it('types values: numbers, real booleans, Yes/No flags, enumerations, ISO context times, dates', () => {
		const built = buildOotbEvent(
			base('ootb_registration', {
				allow_email: true,
				allow_sms: 'No',
				is_test: 'false',
				status: 'Completed',
				date_of_birth: '1990-01-31',
				ootb_email: 'a@example.test',
			}),
			1234,
			NOW,
		);
		expect(built.context).toEqual({
			ootb_allow_email: 'Yes',
			ootb_allow_sms: 'No',
			ootb_is_test: false,
			ootb_status: 'Completed',
			ootb_date_of_birth: '1990-01-31',
			ootb_email: 'a@example.test',
		});
		const deposit = buildOotbEvent(base('ootb_deposit', { transaction_id: 't', deposit_amount: '12.5', deposit_timestamp: '2024-05-27T12:30:00+02:00' }), 1, NOW);
		expect(deposit.context).toEqual({ ootb_transaction_id: 't', ootb_deposit_amount: 12.5, ootb_deposit_timestamp: '2024-05-27T10:30:00Z' });
	});

	it.each([
		[{ status: 'Done' }, 'parameter ootb_status must be one of Started, Completed, Failed, got "Done"'],
		[{ allow_email: 'yes' }, 'parameter ootb_allow_email must be "Yes" or "No", got "yes"'],
		[{ is_blocked: 1 }, 'parameter ootb_is_blocked must be true or false, got 1'],
		[{ first_name: 'x'.repeat(256) }, 'parameter ootb_first_name is longer than 255 characters (256)'],
		[{ city: { name: 'Kyiv' } }, 'parameter ootb_city must be text, a number, a boolean or null, got object'],
		[{ favourite_colour: 'blue' }, 'ootb_registration has no parameter ootb_favourite_colour'],
	])('refuses %j', (params, message) => {
		expect(() => buildOotbEvent(base('ootb_registration', params), 1, NOW)).toThrow(message);
	});

	it('requires exactly one of customer and visitor', () => {
		expect(() => buildOotbEvent({ event: 'ootb_registration', params: {} }, 1, NOW)).toThrow('a Customer ID or a Visitor ID is required');
		expect(() => buildOotbEvent({ event: 'ootb_registration', customer: 'C', visitor: 'V', params: {} }, 1, NOW)).toThrow('not both');
		expect(buildOotbEvent({ event: 'ootb_registration', visitor: 'V9', params: {} }, 1, NOW)).toMatchObject({ visitor: 'V9' });
		expect(buildOotbEvent({ event: 'ootb_registration', customer: 42, params: {} }, 1, NOW)).toMatchObject({ customer: '42' });
	});
});

describe('custom event validation', () => {
	it.each([
		[{ event: 'LoyaltyTier', params: {} }, 'event key "LoyaltyTier" must be snake_case'],
		[{ event: 'tier_changed', params: { newTier: 'Gold' } }, 'parameter name "newTier" must be snake_case'],
		[{ event: 'tier_changed', params: { note: 'x'.repeat(300) } }, 'parameter note is longer than 255 characters (300)'],
		[{ event: 'tier_changed', params: { tags: ['a'] } }, 'parameter tags must be text, a number, a boolean or null, got a list'],
		[{ event: 'ootb_deposit', params: {} }, '"ootb_deposit" is an OOTB event: use the Send OOTB Event operation'],
	])('refuses %j', (input, message) => {
		expect(() => buildCustomEvent({ customer: 'C1', ...input }, 1, NOW)).toThrow(message);
	});

	it('keeps primitive values, null included (Optimove writes null to the profile)', () => {
		const built = buildCustomEvent({ event: 'tier_changed', customer: 'C1', params: { new_tier: 'Gold', points: 10, vip: true, note: null } }, 7, NOW);
		expect(built).toEqual({
			tenant: 7,
			timestamp: '2026-11-22 09:00:00.000000 UTC',
			event: 'tier_changed',
			customer: 'C1',
			context: { new_tier: 'Gold', points: 10, vip: true, note: null },
		});
	});
});

interface Sent {
	body: unknown[];
	headers: IDataObject;
	at: number;
}

async function sendOotb(rows: IDataObject[], options: { reply?: (call: number, body: unknown[]) => { statusCode: number; body: unknown }; continueOnFail?: boolean; event?: string; sent?: unknown[] } = {}) {
	const items: INodeExecutionData[] = rows.map((json) => ({ json }));
	const sent: Sent[] = (options.sent as Sent[] | undefined) ?? [];
	const flight = { now: 0, max: 0 };
	const params: IDataObject = { event: options.event ?? 'ootb_deposit', parametersFrom: 'item', customerField: 'customer', visitorField: 'visitor', timeField: 'timestamp' };
	const { ctx } = n8nContext({
		items,
		params,
		credentials: { optimoveEventsApi: EVENTS_CREDENTIALS },
		continueOnFail: options.continueOnFail,
		http: async (_type, request) => {
			const body = request.body as unknown[];
			sent.push({ body, headers: (request.headers ?? {}) as IDataObject, at: clock.state.now });
			const reply = options.reply?.(sent.length, body) ?? { statusCode: 200, body: { status: 'success', message: `${body.length} events accepted` } };
			flight.max = Math.max(flight.max, ++flight.now);
			for (let tick = 0; tick < 5; tick++) await Promise.resolve(); // the answer takes a while: other batches start
			flight.now--;
			return { ...reply, headers: {} };
		},
	});
	const output = await RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items);
	return { output, sent, maxInFlight: flight.max };
}

const deposits = (n: number, from = 0) => Array.from({ length: n }, (_, k) => ({ customer: `C${from + k}`, ootb_transaction_id: `t${from + k}`, timestamp: 1716805800 + k }));

describe('delivery', () => {
	it.each([
		[1, [1]],
		[10, [10]],
		[11, [10, 1]],
		[25, [10, 10, 5]],
	])('%i events go in requests of %j, one output per item, in order', async (n, sizes) => {
		const { output, sent } = await sendOotb(deposits(n));
		expect(sent.map((s) => s.body.length)).toEqual(sizes);
		expect(output.map((o) => o.pairedItem)).toEqual(Array.from({ length: n }, (_, item) => ({ item })));
		expect(output.every((o) => o.json.sent === true)).toBe(true);
		expect(output[n - 1].json).toMatchObject({ customer: `C${n - 1}`, batch: sizes.length, acknowledgement: expect.stringContaining('accepted') });
	});

	it('a 200 with "status":"error" fails exactly that request\'s items; the others are sent', async () => {
		const { output } = await sendOotb(deposits(25), {
			continueOnFail: true,
			reply: (call) => (call === 2 ? { statusCode: 200, body: { status: 'error', message: 'Failed to validate the event ootb_deposit' } } : { statusCode: 200, body: { status: 'success', message: 'ok' } }),
		});
		const failed = output.filter((o) => o.json.error).map((o) => (o.pairedItem as { item: number }).item);
		expect(failed).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
		expect(output[10].json.error).toBe('Optimove rejected the request with these events: Failed to validate the event ootb_deposit');
		expect(output.filter((o) => o.json.sent)).toHaveLength(15);
	});

	it(`keeps at most ${REQUESTS_IN_FLIGHT} requests in flight; outputs stay in input order`, async () => {
		const { output, sent, maxInFlight } = await sendOotb(deposits(95));
		expect(maxInFlight).toBe(REQUESTS_IN_FLIGHT);
		expect(sent.flatMap((s) => s.body as IDataObject[]).map((e) => e.customer)).toEqual(deposits(95).map((d) => d.customer));
		expect(output.map((o) => o.json.customer)).toEqual(deposits(95).map((d) => d.customer));
	});

	it('without continueOnFail a rejected batch stops new batches; the error counts what was accepted', async () => {
		const reply = (call: number) => (call === 2 ? { statusCode: 200, body: { status: 'error', message: 'bad batch' } } : { statusCode: 200, body: { status: 'success', message: 'ok' } });
		const sent: unknown[] = [];
		const error = await sendOotb(deposits(100), { reply, sent }).catch((e: Error & { description?: string }) => e);
		expect((error as Error).message).toBe('Optimove rejected the request with these events: bad batch');
		// Batches 1–N start together; batch 1 answers first and batch N+1 starts before batch 2's
		// rejection is known; the ones in flight finish (all but batch 2 accepted).
		expect(sent).toHaveLength(REQUESTS_IN_FLIGHT + 1);
		expect((error as { description?: string }).description).toContain(
			`Batch 2 of 10 (items 10–19) failed; ${REQUESTS_IN_FLIGHT * 10} item(s) in other batches were accepted by Optimove.`,
		);
	});

	it('an invalid item never blocks the valid ones and is never sent', async () => {
		const rows = [...deposits(3), { customer: 'bad' }, ...deposits(2, 3)];
		const { output, sent } = await sendOotb(rows, { continueOnFail: true });
		expect(sent.flatMap((s) => s.body)).toHaveLength(5);
		expect(output[3].json.error).toBe('Item 3: ootb_deposit requires ootb_transaction_id');
	});

	it('rate-limited events never share a request with others and go at most 50 requests per 10 s', async () => {
		const registrations = Array.from({ length: 510 }, (_, k) => ({ customer: `R${k}` }));
		const { sent } = await sendOotb(registrations, { event: 'ootb_registration' });
		expect(sent).toHaveLength(51);
		for (let i = 50; i < sent.length; i++) expect(sent[i].at - sent[i - 50].at).toBeGreaterThanOrEqual(10_000);
		const { sent: others } = await sendOotb(deposits(510));
		expect(others[50].at - others[0].at).toBe(0);
	});
});

describe('signature over the exact bytes sent (n8n-core HTTP helper, a real local server)', () => {
	it('X-Optimove-Signature-Content is the HMAC-SHA256 of the raw body Optimove receives', async () => {
		const { createServer } = jest.requireActual<typeof import('http')>('http');
		const received: Array<{ raw: Buffer; headers: IDataObject }> = [];
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received.push({ raw: Buffer.concat(chunks), headers: req.headers as IDataObject });
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"status":"success","message":"ok"}');
			});
		});
		await new Promise<void>((resolve) => {
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/reportServer`;
		try {
			const items: INodeExecutionData[] = [{ json: { customer: 'C1', ootb_transaction_id: 'tx-ü', timestamp: 1716805800 } }];
			const { ctx } = n8nContext({
				http: 'n8n-core',
				credentials: { optimoveEventsApi: { ...EVENTS_CREDENTIALS, endpointUrl: url } },
				items,
				params: { event: 'ootb_deposit', parametersFrom: 'item', customerField: 'customer', visitorField: 'visitor', timeField: 'timestamp' },
			});
			const output = await RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items);
			expect(output[0].json.sent).toBe(true);
			const [{ raw, headers }] = received;
			expect(headers['x-optimove-signature-version']).toBe('1');
			expect(headers['x-optimove-signature-content']).toBe(createHmac('sha256', EVENTS_CREDENTIALS.eventsToken).update(raw).digest('hex'));
			expect(JSON.parse(raw.toString('utf8'))).toEqual([
				{ tenant: 1234, timestamp: '2024-05-27 10:30:00.000000 UTC', event: 'ootb_deposit', customer: 'C1', context: { ootb_transaction_id: 'tx-ü' } },
			]);
			expect(JSON.stringify(output)).not.toContain(EVENTS_CREDENTIALS.eventsToken);
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});
});

describe('the credential is read once per run, not per request', () => {
	it('n8n reads it once; every request hands it to n8n’s helper as credentialsDecrypted, without following redirects', async () => {
		const items: INodeExecutionData[] = deposits(25).map((json) => ({ json }));
		const params: IDataObject = { event: 'ootb_deposit', parametersFrom: 'item', customerField: 'customer', visitorField: 'visitor', timeField: 'timestamp' };
		const getCredentials = jest.fn(async () => ({ ...EVENTS_CREDENTIALS }));
		const calls: Array<{ type: string; options: IHttpRequestOptions; extra: IDataObject | undefined; self: unknown }> = [];
		const { ctx } = n8nContext({
			node: { credentials: { optimoveEventsApi: { id: 'cred-7', name: 'Events' } } },
			credentials: getCredentials,
			items,
			params,
			http: async function (this: unknown, type: string, options: IHttpRequestOptions, extra?: unknown) {
				calls.push({ type, options, extra: extra as IDataObject | undefined, self: this });
				return { statusCode: 200, body: { status: 'success', message: 'ok' }, headers: {} };
			},
		});
		const output = await RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items);
		expect(output).toHaveLength(25);
		expect(getCredentials).toHaveBeenCalledTimes(1);
		expect(calls).toHaveLength(3);
		for (const call of calls) {
			expect(call.type).toBe('optimoveEventsApi');
			expect(call.self).toBe(ctx); // n8n's own context (its cancel signal), not a copy
			expect(call.options.disableFollowRedirect).toBe(true);
			expect(call.extra).toEqual({ credentialsDecrypted: { id: 'cred-7', name: 'Events', type: 'optimoveEventsApi', data: EVENTS_CREDENTIALS } });
		}
		// Each request gets its own copy: n8n's pre-authentication may write into it.
		expect((calls[0].extra as IDataObject).credentialsDecrypted).not.toBe((calls[1].extra as IDataObject).credentialsDecrypted);
	});

	it('a redirect is not a success: the batch fails with Optimove’s answer', async () => {
		const { output } = await sendOotb(deposits(3), { continueOnFail: true, reply: () => ({ statusCode: 302, body: '' }) });
		expect(output.map((o) => o.json.error)).toEqual(Array(3).fill(expect.stringContaining('Optimove rejected the request')));
	});
});
