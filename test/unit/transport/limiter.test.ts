import { runtime } from '../../../nodes/shared/transport';
import { CompletionWindowLimiter, hold, HELD_POLL_MS, SlidingWindowLimiter, take } from '../../../nodes/shared/transport/limiter';
import { prng, ServerWindow, useScheduledClock } from './scheduledClock';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const W = 10_250;

let clock: ReturnType<typeof useScheduledClock>;
beforeEach(() => {
	clock = useScheduledClock(T0);
});
afterEach(() => clock.restore());

interface Send {
	start: number;
	arrival: number;
	end: number;
}

/**
 * `n` requests from `concurrency` workers through a limiter; request k reaches the server
 * `latency(k).arrive` ms after it starts (counted there) and is answered `latency(k).answer` ms later.
 */
async function simulate(
	kind: 'start' | 'end',
	n: number,
	concurrency: number,
	latency: (k: number) => { arrive: number; answer: number },
	rate = { limit: 50, windowMs: W },
) {
	const server = new ServerWindow(rate.limit, 10_000);
	const startLimiter = new SlidingWindowLimiter(rate);
	const endLimiter = new CompletionWindowLimiter(rate);
	const sends: Send[] = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const k = next++;
			const release = await take(kind === 'end' ? endLimiter : startLimiter);
			const start = clock.state.now;
			const { arrive, answer } = latency(k);
			await runtime.sleep(arrive);
			const arrival = clock.state.now;
			server.hit(arrival);
			await runtime.sleep(answer);
			sends[k] = { start, arrival, end: clock.state.now };
			release();
		}
	};
	await clock.run(Promise.all(Array.from({ length: concurrency }, worker)));
	return { sends, server, endLimiter };
}

/** Request k's arrival was late (a cold connection, a busy event loop): 400 ms for the first four. */
const coldStart = (k: number) => ({ arrive: k < 4 ? 400 : 5, answer: 10 });

describe('CompletionWindowLimiter: counted from the end of each request', () => {
	it('the start-counted limiter lets request k+50 reach the server within 10 s of a late request k (the 429s seen in the benchmark)', async () => {
		const { server, sends } = await simulate('start', 60, 4, coldStart);
		expect(sends[50].start - sends[0].start).toBe(W); // the start rule holds …
		expect(sends[50].arrival - sends[0].arrival).toBeLessThan(10_000); // … the arrival rule does not
		expect(server.rejected).toBeGreaterThan(0);
	});

	it('the same requests through the completion-counted limiter: request k+50 starts a window after request k ENDED, no 429', async () => {
		const { server, sends } = await simulate('end', 60, 4, coldStart);
		expect(server.rejected).toBe(0);
		for (let k = 0; k + 50 < sends.length; k++) expect(sends[k + 50].start).toBeGreaterThanOrEqual(sends[k].end + W);
		expect(sends[50].start).toBe(sends[0].end + W); // and not later: no time is wasted
	});

	it.each([
		[1, 11],
		[4, 12],
		[8, 13],
		[60, 14],
	])('holds with %i in flight and random heavy-tailed latencies (seed %i): at most 50 arrivals in any 10 s', async (concurrency, seed) => {
		const random = prng(seed);
		const latency = () => ({ arrive: random() < 0.1 ? 2000 * random() : 20 * random(), answer: random() < 0.1 ? 3000 * random() : 20 * random() });
		const { server, sends } = await simulate('end', 400, concurrency, latency);
		expect(server.rejected).toBe(0);
		expect(server.accepted).toBe(400);
		// The rule itself: when a request starts, at most 49 others are in flight or ended within the window.
		for (const s of sends) {
			const occupying = sends.filter((o) => o !== s && o.start <= s.start && o.end + W > s.start);
			expect(occupying.length).toBeLessThanOrEqual(49);
		}
	});

	it('does not slow the common case: 500 requests of 10 ms, 4 in flight, take 9 windows plus the answers (floor 100 s)', async () => {
		const { sends, server } = await simulate('end', 500, 4, () => ({ arrive: 5, answer: 5 }));
		const seconds = (Math.max(...sends.map((s) => s.end)) - T0) / 1000;
		expect(server.rejected).toBe(0);
		expect(seconds).toBeGreaterThanOrEqual(9 * 10.25);
		expect(seconds).toBeLessThan(100 * 1.1);
		expect(seconds).toBeLessThan(9 * 10.25 + 9 * 0.02 + 1.5); // each window adds one request's duration at most
	});

	it('a request still in flight keeps its place however long it lasts; once it ends its place frees a window later', () => {
		const limiter = new CompletionWindowLimiter({ limit: 2, windowMs: 1000 });
		const a = limiter.book(T0);
		const b = limiter.book(T0);
		expect([a.wait, b.wait]).toEqual([0, 0]);
		expect(limiter.book(T0 + 60_000)).toEqual({ wait: HELD_POLL_MS }); // both still in flight a minute later
		limiter.release(b.slot!, T0 + 60_000);
		const c = limiter.book(T0 + 60_000);
		expect(c.wait).toBe(1000); // b ended at +60 s: its place is free at +61 s
		expect(limiter.inFlight).toBe(2);
	});

	it('answers that come back out of order free places in the order of their ends', () => {
		const limiter = new CompletionWindowLimiter({ limit: 3, windowMs: 1000 });
		const [a, b, c] = [limiter.book(T0), limiter.book(T0), limiter.book(T0)].map((r) => r.slot!);
		limiter.release(c, T0 + 30);
		limiter.release(a, T0 + 500);
		limiter.release(b, T0 + 200);
		const waits = [limiter.book(T0 + 500), limiter.book(T0 + 500), limiter.book(T0 + 500)].map((r) => r.wait);
		expect(waits).toEqual([1030 - 500, 1200 - 500, 1500 - 500]);
	});

	it('a booked start in the future counts as in flight for the callers after it', () => {
		const limiter = new CompletionWindowLimiter({ limit: 1, windowMs: 1000 });
		const a = limiter.book(T0).slot!;
		limiter.release(a, T0 + 10);
		const b = limiter.book(T0 + 10);
		expect(b.wait).toBe(1000); // starts at +1010
		expect(limiter.book(T0 + 20)).toEqual({ wait: HELD_POLL_MS }); // b holds the only place until it ends
		limiter.release(b.slot!, T0 + 1010 + 7);
		expect(limiter.book(T0 + 1017).wait).toBe(1000);
	});

	it('releasing twice is harmless; a release before the booked start counts from the start', () => {
		const limiter = new CompletionWindowLimiter({ limit: 1, windowMs: 1000 });
		limiter.release(limiter.book(T0).slot!, T0);
		const b = limiter.book(T0).slot!; // starts at +1000
		limiter.release(b, T0 + 1); // abandoned before it started
		limiter.release(b, T0 + 5000);
		expect(limiter.inFlight).toBe(0);
		expect(limiter.book(T0 + 1).wait).toBe(1999);
	});

	it('after a 429 every caller waits until the block ends', () => {
		const limiter = new CompletionWindowLimiter({ limit: 50, windowMs: 1000 });
		limiter.blockUntil(T0 + 7000);
		expect(limiter.book(T0).wait).toBe(7000);
		expect(limiter.book(T0 + 100).wait).toBe(6900);
	});

	it('hold() polls while every place is in flight and returns once one frees', async () => {
		const limiter = new CompletionWindowLimiter({ limit: 1, windowMs: 1000 });
		const first = await clock.run(hold(limiter));
		const second = hold(limiter);
		const finish = (async () => {
			await runtime.sleep(120);
			first();
		})();
		const release = await clock.run(Promise.all([second, finish]).then(([r]) => r));
		// Polled at +50, +100, +150 (first ended at +120): starts at +1120.
		expect(clock.state.now).toBe(T0 + 1120);
		release();
		expect(limiter.inFlight).toBe(0);
	});
});
