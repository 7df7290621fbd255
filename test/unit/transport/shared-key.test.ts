import type { IHttpRequestOptions } from 'n8n-workflow';
import * as transport from '../../../nodes/shared/transport';
import { fakeSecret, n8nContext } from '../helpers/n8nContext';
import { prng, useVirtualClock } from '../helpers/clock';
import { ServerWindow } from '../helpers/fakeOptimove';

/**
 * Several n8n processes (queue-mode workers) sending REST calls with one API key: each process has
 * its own copy of the transport (its own limiters, nothing shared), Optimove counts the arrivals of
 * all of them in one 50 / 10 s sliding window and answers 429 over it, without Retry-After.
 */

type Transport = typeof transport;

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const API_KEY = fakeSecret('shared-api-key');
const RATE_LIMIT_BODY = { status: 429, error: 'Too Many Requests', message: 'You have exceeded the rate limit for this API group. Please retry later.' };

/** Optimove's rate for one key: the floor for `calls` REST calls is calls / 50 × 10 s. */
const floorSeconds = (calls: number) => (calls / 50) * 10;

/** Another n8n process: a fresh copy of the transport's module graph, limiters included. */
function anotherProcess(): Transport {
	let copy: Transport | undefined;
	jest.isolateModules(() => {
		copy = jest.requireActual<Transport>('../../../nodes/shared/transport');
	});
	return copy as Transport;
}

type Http = (type: string, request: IHttpRequestOptions) => Promise<unknown>;

/** Optimove's REST API: a request reaches `server` after `arrive` ms and is answered `answer` ms later. */
function optimove(server: ServerWindow, seed: number, latencyMs = 40) {
	const random = prng(seed);
	const answered = { ok: 0, tooMany: 0 };
	const http: Http = async () => {
		await transport.clock.sleep(latencyMs * (0.125 + random()));
		const ok = server.hit(transport.clock.now());
		await transport.clock.sleep(latencyMs * (0.125 + random()));
		answered[ok ? 'ok' : 'tooMany']++;
		return ok ? { statusCode: 200, body: { Date: '2026-11-21' }, headers: {} } : { statusCode: 429, body: RATE_LIMIT_BODY, headers: {} };
	};
	return { http, answered };
}

interface Outcome {
	succeeded: number;
	lost: number;
	finishedAt: number;
}

interface Work {
	calls: number;
	/** Concurrent executions in the process, each sending its calls one after another. */
	executions?: number;
	/** The credential's "REST Requests per 10 Seconds". */
	restRateLimit?: number;
	startAt?: number;
}

/** One process's work: `calls` GetLastDataUpdate calls through the real transport. */
async function drive(proc: Transport, http: Http, { calls, executions = 1, restRateLimit = 50, startAt = T0 }: Work): Promise<Outcome> {
	const outcome: Outcome = { succeeded: 0, lost: 0, finishedAt: 0 };
	await proc.clock.sleep(startAt - proc.clock.now());
	let next = 0;
	const execution = async () => {
		const { ctx } = n8nContext({ credentials: { optimoveApi: { baseUrl: 'https://api4.optimove.test', apiKey: API_KEY, restRateLimit, realtimeRateLimit: 0 } }, http });
		while (next < calls) {
			next++;
			try {
				await proc.optimoveRequest.call(ctx as never, { route: 'getLastDataUpdate' });
				outcome.succeeded++;
			} catch {
				outcome.lost++;
			}
		}
	};
	await Promise.all(Array.from({ length: executions }, execution));
	outcome.finishedAt = proc.clock.now();
	return outcome;
}

let processes: Transport[];
let clock: ReturnType<typeof useVirtualClock>;
beforeEach(() => {
	processes = [anotherProcess(), anotherProcess(), anotherProcess()];
	clock = useVirtualClock(T0, { sleeps: 'overlap', clocks: processes.map((p) => p.clock), random: prng(99) });
});
afterEach(() => clock.restore());

/**
 * "A handful" of 429s, made precise: the sends already in flight when the window first fills are
 * answered 429 whatever the client does (one per execution per process); after that each process,
 * probing for a larger share, meets a 429 about once per four windows.
 */
const handful = (processCount: number, executions: number, seconds: number) => processCount * (executions + Math.ceil(seconds / 40));

/** Runs each process's work at once against one server window; totals over all processes. */
async function together(work: Work[], seed: number, server = new ServerWindow(50, 10_000), latencyMs?: number) {
	const { http, answered } = optimove(server, seed, latencyMs);
	const outcomes = await clock.run(Promise.all(work.map((w, i) => drive(processes[i], http, w))));
	const calls = work.reduce((sum, w) => sum + w.calls, 0);
	const seconds = (Math.max(...outcomes.map((o) => o.finishedAt)) - T0) / 1000;
	return {
		calls,
		lost: outcomes.reduce((sum, o) => sum + o.lost, 0),
		succeeded: outcomes.reduce((sum, o) => sum + o.succeeded, 0),
		server,
		/** 429s answered to the processes (a neighbour's are the server's). */
		tooMany: answered.tooMany,
		seconds,
		ratio: seconds / floorSeconds(calls),
	};
}

describe('one API key, several n8n processes at their default budget (50 / 10 s each): the limiter learns its share', () => {
	it.each([
		[1, 250, 1],
		[1, 250, 2],
		[4, 250, 3],
		[8, 500, 4],
	])(
		'%i execution(s) per process, %i calls each (seed %i): nothing lost, a handful of 429s, within 1.3× the floor',
		async (executions, calls, seed) => {
			const run = await together([{ calls, executions }, { calls, executions }], seed);
			expect(run.lost).toBe(0);
			expect(run.succeeded).toBe(2 * calls);
			expect(run.server.accepted).toBe(2 * calls);
			expect(run.tooMany).toBeLessThanOrEqual(handful(2, executions, run.seconds));
			expect(run.ratio).toBeLessThanOrEqual(1.3);
		},
	);

	it('three processes, 200 calls each: nothing lost, within 1.3× the floor', async () => {
		const run = await together([{ calls: 200 }, { calls: 200 }, { calls: 200 }], 5);
		expect(run.lost).toBe(0);
		expect(run.server.accepted).toBe(600);
		expect(run.tooMany).toBeLessThanOrEqual(handful(3, 1, run.seconds));
		expect(run.ratio).toBeLessThanOrEqual(1.3);
	});

	it('a second process joining one already at full speed: nothing lost, within 1.3× the floor', async () => {
		const run = await together([{ calls: 500, executions: 2 }, { calls: 250, executions: 2, startAt: T0 + 30_000 }], 6);
		expect(run.lost).toBe(0);
		expect(run.server.accepted).toBe(750);
		expect(run.tooMany).toBeLessThanOrEqual(handful(2, 2, run.seconds));
		expect(run.ratio).toBeLessThanOrEqual(1.3);
	});
});

describe('the known limit: a process starting while another already fills the window (loopback latency)', () => {
	it('the late one gets little until the first is done, then takes over: nothing lost, a handful of 429s, within 1.5× the floor', async () => {
		// With ~1 ms answers the first process sends its 50 before the second's first request; it
		// never meets a 429, so only the second learns (its share is squeezed) and it takes the full
		// budget again four windows after its last 429 (1.32× here; 1.59× when it climbed back one
		// request per window).
		const run = await together([{ calls: 250 }, { calls: 250, startAt: T0 + 50 }], 9, undefined, 1);
		expect(run.lost).toBe(0);
		expect(run.server.accepted).toBe(500);
		expect(run.tooMany).toBeLessThanOrEqual(handful(2, 1, run.seconds));
		expect(run.ratio).toBeLessThanOrEqual(1.5);
	});
});

describe('the explicit share: "REST Requests per 10 Seconds" set to 50 ÷ processes', () => {
	it('two processes at 25 each: no 429 at all, within 1.1× the floor', async () => {
		const run = await together([{ calls: 250, executions: 4, restRateLimit: 25 }, { calls: 250, executions: 4, restRateLimit: 25 }], 7);
		expect(run.tooMany).toBe(0);
		expect(run.succeeded).toBe(500);
		expect(run.ratio).toBeLessThanOrEqual(1.1);
	});
});

describe('a neighbour that does not learn (another system on the key, 20 requests / 10 s)', () => {
	it('the process takes what is left: nothing lost, a handful of 429s, within 1.3× the floor of its 30 / 10 s', async () => {
		const server = new ServerWindow(50, 10_000);
		let running = true;
		const neighbour = (async () => {
			while (running) {
				server.hit(transport.clock.now());
				await transport.clock.sleep(500);
			}
		})();
		const run = await together([{ calls: 300, executions: 2 }], 8, server).finally(() => (running = false));
		await clock.run(neighbour);
		expect(run.lost).toBe(0);
		expect(run.succeeded).toBe(300);
		expect(run.tooMany).toBeLessThanOrEqual(handful(1, 2, run.seconds));
		expect(run.seconds).toBeLessThanOrEqual(1.3 * (300 / 30) * 10);
	});
});
