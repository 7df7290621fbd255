import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';
import { optimoveRequest } from '../../../nodes/shared/transport';
import { StartCountedLimiter } from '../../../nodes/shared/transport/limiter';
import { useTestClock } from '../helpers/clock';
import { EVENTS_CREDENTIALS, fakeSecret, n8nContext, REST_CREDENTIALS } from '../helpers/n8nContext';

const BASE = 'https://api4.optimove.test';
const RATE_LIMIT_BODY = {
	status: 429,
	error: 'Too Many Requests',
	message: 'You have exceeded the rate limit for this API group. Please retry later.',
};

beforeAll(() => nock.disableNetConnect());

/**
 * A real local server for network failures (nock's simulated errors do not reach axios the way a
 * reset socket does): `plan` lists, per request, 'reset' or a status to answer.
 */
async function flakyServer(plan: Array<'reset' | number>) {
	let calls = 0;
	const { createServer } = jest.requireActual<typeof import('http')>('http');
	const server = createServer((req, res) => {
		const step = plan[Math.min(calls++, plan.length - 1)];
		if (step === 'reset') {
			req.socket.destroy();
			return;
		}
		res.writeHead(step, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ Date: '2026-11-21' }));
	});
	await new Promise<void>((resolve) => {
		server.listen(0, '127.0.0.1', () => resolve());
	});
	nock.enableNetConnect('127.0.0.1');
	const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	return {
		url,
		calls: () => calls,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
afterAll(() => nock.enableNetConnect());
const clock = useTestClock();
afterEach(() => nock.cleanAll());

function ctxWith(overrides: Record<string, unknown> = {}) {
	return n8nContext({ http: 'n8n-core', credentials: { optimoveApi: { ...REST_CREDENTIALS.optimoveApi, ...overrides } } }).ctx;
}

async function failureOf(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('expected the request to fail');
}

describe('optimoveRequest: the request it sends', () => {
	it('appends the route to the base URL (with a version prefix and trailing slash) and sends the key, query and body', async () => {
		const scope = nock(`${BASE}/current`, {
			reqheaders: { 'x-api-key': REST_CREDENTIALS.optimoveApi.apiKey, accept: 'application/json' },
		})
			.post('/Integrations/UpdateCustomerPromotionStatus', { CampaignID: 7, PromosUpdated: [] })
			.query({ probe: '1' })
			.reply(200, '');
		const ctx = ctxWith({ baseUrl: `${BASE}/current/` });
		const response = await optimoveRequest.call(ctx as never, {
			route: 'updateCustomerPromotionStatus',
			query: { probe: 1 },
			body: { CampaignID: 7, PromosUpdated: [] },
		});
		expect(response.status).toBe(200);
		expect(response.attempts).toBe(1);
		expect(scope.isDone()).toBe(true);
	});

	it('fills path parameters, URL-encoded', async () => {
		const scope = nock(BASE).get('/Customers/C%2F1%20x/Attributes').reply(200, [{ RealFieldName: 'AGE', Value: '3' }]);
		const { body } = await optimoveRequest.call(ctxWith() as never, {
			route: 'getCustomerAttributes',
			pathParams: { customerId: 'C/1 x' },
		});
		expect(body).toEqual([{ RealFieldName: 'AGE', Value: '3' }]);
		expect(scope.isDone()).toBe(true);
	});

	it('keeps $top/$skip and ;-separated attribute lists intact in the query', async () => {
		const scope = nock(BASE)
			.get('/Customers/GetProcessedCampaignCustomers')
			.query({ CampaignID: '1359', CustomerAttributes: 'Alias;Country', $top: '10000', $skip: '0' })
			.reply(200, []);
		await optimoveRequest.call(ctxWith() as never, {
			route: 'getProcessedCampaignCustomers',
			query: { CampaignID: 1359, CustomerAttributes: 'Alias;Country', $top: 10000, $skip: 0 },
		});
		expect(scope.isDone()).toBe(true);
	});
});

describe('optimoveRequest: retries', () => {
	it('retries a 429 with back-off and succeeds', async () => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(429, RATE_LIMIT_BODY);
		nock(BASE).get('/General/GetLastDataUpdate').reply(200, { Date: '2026-11-21' });
		const response = await optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' });
		expect(response).toMatchObject({ status: 200, attempts: 2, body: { Date: '2026-11-21' } });
		// first retry: full jitter over base 1000 ms with random 0.5
		expect(clock.state.sleeps.filter((ms) => ms > 0)).toEqual([500]);
	});

	it('honours Retry-After in seconds', async () => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(429, RATE_LIMIT_BODY, { 'Retry-After': '7' });
		nock(BASE).get('/General/GetLastDataUpdate').reply(200, { Date: '2026-11-21' });
		await optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' });
		expect(clock.state.sleeps).toContain(7000);
	});

	it('retries 5xx and network resets, then succeeds', async () => {
		const server = await flakyServer([500, 'reset', 503, 200]);
		try {
			const response = await optimoveRequest.call(ctxWith({ baseUrl: server.url }) as never, { route: 'getLastDataUpdate' });
			expect(response.attempts).toBe(4);
			expect(server.calls()).toBe(4);
			expect(clock.state.sleeps.filter((ms) => ms > 0)).toEqual([500, 1000, 2000]);
		} finally {
			await server.close();
		}
	});

	it('never retries other 4xx and carries Optimove\'s message', async () => {
		const scope = nock(BASE).post('/Integrations/UpdateCustomerPromotionStatus').once().reply(400, '"CampaignID is invalid"');
		const error = await failureOf(
			optimoveRequest.call(ctxWith() as never, { route: 'updateCustomerPromotionStatus', body: {}, itemIndex: 3 }),
		);
		expect(scope.isDone()).toBe(true);
		expect(error.message).toMatch(/rejected the request to updateCustomerPromotionStatus \(400\)/);
		expect(error.description).toContain('Optimove says: CampaignID is invalid');
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(3);
	});

	it('a long run of 429s (another process holds the key\'s window) does not use up the attempts: the call waits its turn', async () => {
		const scope = nock(BASE).get('/General/GetLastDataUpdate').times(10).reply(429, RATE_LIMIT_BODY);
		nock(BASE).get('/General/GetLastDataUpdate').reply(200, { Date: '2026-11-21' });
		const response = await optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' });
		expect(scope.isDone()).toBe(true);
		expect(response).toMatchObject({ status: 200, attempts: 11 });
	});

	it('gives up on 429s when the REST group\'s 2 minutes are spent, with an actionable rate-limit error', async () => {
		let received = 0;
		nock(BASE)
			.get('/General/GetLastDataUpdate')
			.times(100)
			.reply(() => {
				received++;
				return [429, RATE_LIMIT_BODY];
			});
		const started = clock.state.now;
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		expect(error.message).toBe(`Optimove's rate limit was still exceeded after ${received} attempt(s) (429)`);
		expect(received).toBeGreaterThan(6);
		expect(clock.state.now - started).toBeLessThanOrEqual(120_000);
		expect(clock.state.now - started).toBeGreaterThan(90_000);
		expect(error.description).toMatch(/REST Requests per 10 Seconds/);
		nock.cleanAll();
	});

	it('gives up on 5xx after the bounded number of attempts', async () => {
		const scope = nock(BASE).get('/General/GetLastDataUpdate').times(6).reply(503, 'unavailable');
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		expect(scope.isDone()).toBe(true);
		expect(error.message).toMatch(/after 6 attempt\(s\)/);
	});

	it('gives up early when Retry-After exceeds the total retry budget', async () => {
		const scope = nock(BASE).get('/General/GetLastDataUpdate').once().reply(429, RATE_LIMIT_BODY, { 'Retry-After': '600' });
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		expect(scope.isDone()).toBe(true);
		expect(error.message).toMatch(/after 1 attempt/);
	});

	it('never starts a retry after the caller deadline (approvals must not arrive late)', async () => {
		const scope = nock(BASE).post('/conditional-execution/v2/triggered/approval').once().reply(503, '');
		const error = await failureOf(
			optimoveRequest.call(ctxWith() as never, {
				route: 'sendWebhookApproval',
				body: { request_uid: 'u1', approved: true },
				deadline: clock.state.now + 20,
			}),
		);
		expect(scope.isDone()).toBe(true);
		expect(error.message).toMatch(/server error \(503\) after 1 attempt/);
	});
});

describe('optimoveRequest: 429s bounded by time, not attempts', () => {
	it('a Retry-After of 0 waits the back-off instead of retrying at once', async () => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(429, RATE_LIMIT_BODY, { 'Retry-After': '0' });
		nock(BASE).get('/General/GetLastDataUpdate').reply(200, { Date: '2026-11-21' });
		await optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' });
		expect(clock.state.sleeps.filter((ms) => ms > 0)).toEqual([500]);
	});

	it('429s between 5xx answers do not lengthen the 5xx bound: six 5xx end it', async () => {
		const answered: number[] = [];
		nock(BASE)
			.get('/General/GetLastDataUpdate')
			.times(20)
			.reply(() => {
				const status = answered.length % 2 === 0 ? 429 : 503;
				answered.push(status);
				return [status, status === 429 ? RATE_LIMIT_BODY : 'unavailable'];
			});
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		expect(answered.filter((status) => status === 503)).toHaveLength(6);
		expect(answered).toHaveLength(12);
		expect(error.message).toMatch(/server error \(503\) after 12 attempt/);
		nock.cleanAll();
	});

	it('an approval whose retry the limiter would hold past its deadline is not sent late', async () => {
		const sentAt: number[] = [];
		nock(BASE)
			.post('/conditional-execution/v2/triggered/approval')
			.times(10)
			.reply(() => {
				sentAt.push(clock.state.now);
				return [429, RATE_LIMIT_BODY];
			});
		const deadline = clock.state.now + 2500; // the limiter spaces the retries 1 s apart: the fourth would be due at 3 s
		const error = await failureOf(
			optimoveRequest.call(ctxWith({ realtimeRateLimit: 2 }) as never, {
				route: 'sendWebhookApproval',
				body: { request_uid: 'u1', approved: true },
				deadline,
			}),
		);
		expect(sentAt.length).toBeGreaterThan(0);
		expect(sentAt.every((t) => t <= deadline)).toBe(true);
		expect(error.message).toMatch(/rate limit was still exceeded/);
		nock.cleanAll();
	});
});

describe('optimoveRequest: errors a user can act on, without secrets', () => {
	const cases: Array<[number, RegExp, RegExp]> = [
		[401, /rejected the API Key \(401\)/, /Check the "API Key" on the Optimove API credential/],
		[403, /lacks permission for getLastDataUpdate \(403\)/, /Use an admin API key/],
		[404, /answered 404/, /Base URL/],
	];
	it.each(cases)('maps %i to a hint', async (status, message, hint) => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(status, { message: 'nope' });
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(hint);
	});

	// Each API group authenticates with its own credential and field: the hint names the one in use.
	const groupCases: Array<[string, () => nock.Scope, Parameters<typeof optimoveRequest>[0], RegExp, RegExp, RegExp]> = [
		[
			'events',
			() => nock('https://server-1234.optimove.test').post('/reportServer').reply(401, { message: 'bad signature' }),
			{ route: 'sendEvents', body: [] },
			/rejected the Events Token \(401\)/,
			/"Events Token" on the Optimove Events API credential/,
			/API key|API Key|Optimove API credential/,
		],
		[
			'promotions',
			() => nock('https://promotions.optimove.test').post('/v1/redemptions').reply(401, {}),
			{ route: 'reportRedemption', body: [] },
			/rejected the API Key \(401\)/,
			/"API Key" on the Optimove API credential/,
			/Events/,
		],
		[
			'realtime',
			() => nock(BASE).post('/conditional-execution/v2/triggered/approval').reply(401, {}),
			{ route: 'sendWebhookApproval', body: {} },
			/rejected the API Key \(401\)/,
			/"API Key" on the Optimove API credential/,
			/Events/,
		],
	];
	it.each(groupCases)('a 401 from the %s group names its own credential and field', async (_group, reply, request, message, hint, absent) => {
		const scope = reply();
		const { ctx } = n8nContext({ http: 'n8n-core', credentials: { optimoveApi: REST_CREDENTIALS.optimoveApi, optimoveEventsApi: EVENTS_CREDENTIALS } });
		const error = await failureOf(optimoveRequest.call(ctx as never, request));
		expect(scope.isDone()).toBe(true);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(hint);
		expect(`${error.message} ${error.description}`).not.toMatch(absent);
	});

	it('an unreachable events endpoint points at the Events Endpoint URL, not the Base URL', async () => {
		const server = await flakyServer([200]);
		await server.close();
		const { ctx } = n8nContext({ http: 'n8n-core', credentials: { optimoveEventsApi: { ...EVENTS_CREDENTIALS, endpointUrl: server.url } } });
		const error = await failureOf(optimoveRequest.call(ctx as never, { route: 'sendEvents', body: [] }));
		expect(error.description).toMatch(/"Events Endpoint URL" on the Optimove Events API credential/);
		expect(error.description).not.toMatch(/Base URL/);
	});

	it('a 404 from Promotions points at the Promotions Base URL', async () => {
		nock('https://promotions.optimove.test').post('/v1/redemptions').reply(404, {});
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'reportRedemption', body: [] }));
		expect(error.description).toMatch(/"Promotions Base URL" on the Optimove API credential/);
	});

	it('says the host is unreachable after retrying refused connections', async () => {
		const server = await flakyServer([200]);
		await server.close(); // nothing listens on that port any more
		const error = await failureOf(optimoveRequest.call(ctxWith({ baseUrl: server.url }) as never, { route: 'getLastDataUpdate' }));
		expect(error.message).toBe('Could not reach Optimove (ECONNREFUSED) after 6 attempt(s)');
		expect(error.description).toContain(server.url);
	});

	it('redacts the API key and signing secret when Optimove echoes them', async () => {
		nock(BASE)
			.get('/General/GetLastDataUpdate')
			.reply(401, { message: 'key test-api-key-0123456789 unknown; secret test-webhook-secret-0123456789' });
		const error = await failureOf(optimoveRequest.call(ctxWith() as never, { route: 'getLastDataUpdate' }));
		const everything = JSON.stringify({ message: error.message, description: error.description, context: error.context, response: error.errorResponse });
		expect(everything).not.toContain(REST_CREDENTIALS.optimoveApi.apiKey);
		expect(everything).not.toContain(REST_CREDENTIALS.optimoveApi.webhookSecret);
		expect(error.description).toContain('key *** unknown; secret ***');
	});
});

describe('optimoveRequest: client-side rate limiting', () => {
	function startTimes(count: number) {
		const starts: number[] = [];
		nock(BASE)
			.get('/General/GetLastDataUpdate')
			.times(count)
			.reply(() => {
				starts.push(clock.state.now);
				return [200, { Date: 'x' }];
			});
		return starts;
	}

	it('starts at most 50 REST requests in any 10-second window', async () => {
		const starts = startTimes(130);
		const ctx = ctxWith();
		for (let i = 0; i < 130; i++) await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		expect(starts).toHaveLength(130);
		for (let i = 50; i < starts.length; i++) expect(starts[i] - starts[i - 50]).toBeGreaterThanOrEqual(10_000);
		// and no slower than needed: two full windows plus the safety margin
		expect(starts[129] - starts[0]).toBeLessThanOrEqual(2 * 10_250);
	});

	it('books slots for concurrent callers so none overbooks the window', () => {
		const limiter = new StartCountedLimiter({ limit: 50, windowMs: 10_000 });
		const t0 = 1_000_000;
		const waits = Array.from({ length: 130 }, () => limiter.reserve(t0));
		const starts = waits.map((wait) => t0 + wait);
		expect(waits.slice(0, 50).every((w) => w === 0)).toBe(true);
		for (let i = 50; i < starts.length; i++) expect(starts[i] - starts[i - 50]).toBe(10_000);
		expect(waits[129]).toBe(20_000);
	});

	it('uses the budget configured on the credential', async () => {
		const starts = startTimes(11);
		const ctx = ctxWith({ restRateLimit: 10 });
		for (let i = 0; i < 11; i++) await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		expect(starts[10] - starts[0]).toBeGreaterThanOrEqual(10_000);
	});

	it('keys the budget by API key: another key is not held back', async () => {
		const starts = startTimes(51);
		const first = ctxWith();
		for (let i = 0; i < 50; i++) await optimoveRequest.call(first as never, { route: 'getLastDataUpdate' });
		await optimoveRequest.call(ctxWith({ apiKey: fakeSecret('another-key') }) as never, { route: 'getLastDataUpdate' });
		expect(starts[50] - starts[0]).toBe(0);
	});

	it('does not hold real-time approvals behind the REST budget', async () => {
		startTimes(50);
		const approvals = nock(BASE).post('/conditional-execution/v2/triggered/approval').times(20).reply(200, {});
		const ctx = ctxWith();
		for (let i = 0; i < 50; i++) await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		const before = clock.state.now;
		for (let i = 0; i < 20; i++) {
			await optimoveRequest.call(ctx as never, { route: 'sendWebhookApproval', body: { request_uid: `u${i}`, approved: true } });
		}
		expect(clock.state.now).toBe(before);
		expect(approvals.isDone()).toBe(true);
	});

	it('after a 429 without Retry-After, the key takes a smaller share of the window, spread evenly; another key is not held back', async () => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(429, RATE_LIMIT_BODY);
		const starts = startTimes(6);
		const ctx = ctxWith();
		const t0 = clock.state.now;
		for (let i = 0; i < 5; i++) await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		// Nothing accepted yet: 90 % of half of 50 = 22 per 10.25 s, one every ⌈10 250 / 22⌉ ms.
		expect(starts[0] - t0).toBe(500); // the retry after its back-off
		expect(starts.slice(1, 5).map((s, i) => s - starts[i])).toEqual([466, 466, 466, 466]);
		const before = clock.state.now;
		await optimoveRequest.call(ctxWith({ apiKey: fakeSecret('another-key') }) as never, { route: 'getLastDataUpdate' });
		expect(starts[5]).toBe(before);
	});

	it('after a 429, holds every caller of that key until the back-off ends', async () => {
		nock(BASE).get('/General/GetLastDataUpdate').reply(429, RATE_LIMIT_BODY, { 'Retry-After': '3' });
		const starts = startTimes(2);
		const ctx = ctxWith();
		const t0 = clock.state.now;
		await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		await optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
		expect(starts[0] - t0).toBeGreaterThanOrEqual(3000);
		expect(starts[1]).toBeGreaterThanOrEqual(starts[0]);
	});
});
