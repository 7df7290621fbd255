import type { INodeExecutionData } from 'n8n-workflow';
import { REQUESTS_IN_FLIGHT } from '../../../nodes/Optimove/actions/event/send';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { clock as transportClock } from '../../../nodes/shared/transport';
import type { HttpHelper } from '../helpers/n8nContext';
import { fakeSecret, n8nContext } from '../helpers/n8nContext';
import { prng, useTestClock } from '../helpers/clock';
import { ServerWindow } from '../helpers/fakeOptimove';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const CREDENTIALS = { endpointUrl: 'https://server-1234.optimove.test/reportServer', tenantId: 1234, eventsToken: fakeSecret('events-token') };
const RATE_LIMIT_BODY = { status: 429, error: 'Too Many Requests', message: 'You have exceeded the rate limit for this API group. Please retry later.' };

const clock = useTestClock(T0, { sleeps: 'overlap' });

interface Call {
	start: number;
	arrival: number;
	end: number;
	status: number;
	events: number;
}

/** A node run of Send OOTB Event over `items`, fields read from each item, HTTP through `http`. */
function sendOotbContext(items: INodeExecutionData[], event: string, http: HttpHelper) {
	const params: Record<string, unknown> = { event, parametersFrom: 'item', customerField: 'customer', visitorField: 'visitor', timeField: 'timestamp' };
	return n8nContext({ items, params, credentials: { optimoveEventsApi: CREDENTIALS }, http }).ctx;
}

/** Registrations through Send OOTB Event against a server that counts 50 arrivals per 10 s. */
async function register(n: number, latency: (call: number) => { arrive: number; answer: number }) {
	const items: INodeExecutionData[] = Array.from({ length: n }, (_, k) => ({ json: { customer: `R${k}`, ootb_email: `r${k}@example.test` } }));
	const server = new ServerWindow(50, 10_000);
	const calls: Call[] = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const ctx = sendOotbContext(items, 'ootb_registration', async (_type, request) => {
		maxInFlight = Math.max(maxInFlight, ++inFlight);
		const start = transportClock.now();
		const { arrive, answer } = latency(calls.length);
		await transportClock.sleep(arrive);
		const arrival = transportClock.now();
		const ok = server.hit(arrival);
		await transportClock.sleep(answer);
		inFlight--;
		const events = (request.body as unknown[]).length;
		calls.push({ start, arrival, end: transportClock.now(), status: ok ? 200 : 429, events });
		return ok
			? { statusCode: 200, body: { status: 'success', message: `${events} event(s) received` }, headers: {} }
			: { statusCode: 429, body: RATE_LIMIT_BODY, headers: {} };
	});
	const output = await clock.run(RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items));
	return { output, calls, server, seconds: (clock.state.now - T0) / 1000, maxInFlight };
}

describe('registration events at 50 requests / 10 s (counted by the server at arrival)', () => {
	it('5 000 registrations with a slow first connection: no 429, every event sent once, within 1.1× the 100 s floor', async () => {
		// The first requests of a run reach the server late (connection set-up, a busy event loop):
		// counting the window from their start let request 51 arrive early (3 × 429 in the benchmark).
		const { output, calls, server, seconds, maxInFlight } = await register(5000, (call) => ({ arrive: call < 4 ? 400 : 3, answer: 4 }));
		expect(server.rejected).toBe(0);
		expect(calls.every((c) => c.status === 200)).toBe(true);
		expect(calls).toHaveLength(500);
		expect(calls.reduce((sum, c) => sum + c.events, 0)).toBe(5000);
		expect(output.map((o) => o.json.customer)).toEqual(Array.from({ length: 5000 }, (_, k) => `R${k}`));
		expect(output.every((o) => o.json.sent === true)).toBe(true);
		expect(maxInFlight).toBeLessThanOrEqual(REQUESTS_IN_FLIGHT);
		expect(seconds).toBeLessThanOrEqual(110);
		const byStart = [...calls].sort((a, b) => a.start - b.start);
		for (let k = 0; k + 50 < byStart.length; k++) expect(byStart[k + 50].arrival - byStart[k].arrival).toBeGreaterThanOrEqual(10_000);
	});

	it('holds with random heavy-tailed latencies too (30 % of requests up to 2 s late): no 429 in 1 000 registrations', async () => {
		const random = prng(7);
		const { server, calls } = await register(1000, () => ({ arrive: random() < 0.3 ? 2000 * random() : 10 * random(), answer: random() < 0.1 ? 1500 * random() : 10 * random() }));
		expect(server.rejected).toBe(0);
		expect(calls).toHaveLength(100);
	});

	it('other events are not paced: 1 000 deposits go out without waiting', async () => {
		const items: INodeExecutionData[] = Array.from({ length: 1000 }, (_, k) => ({ json: { customer: `C${k}`, ootb_transaction_id: `t${k}`, timestamp: 1716805800 } }));
		let calls = 0;
		const ctx = sendOotbContext(items, 'ootb_deposit', async () => {
			calls++;
			await transportClock.sleep(5);
			return { statusCode: 200, body: { status: 'success', message: 'ok' }, headers: {} };
		});
		await clock.run(RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items));
		expect(calls).toBe(100);
		expect(clock.state.now - T0).toBe(Math.ceil(100 / REQUESTS_IN_FLIGHT) * 5);
	});
});
