import { clock as transportClock } from '../../../nodes/shared/transport';
import { AdaptiveRate } from '../../../nodes/shared/transport/adaptive';
import { AnswerCountedLimiter, holdUntilAnswered, HELD_POLL_MS, StartCountedLimiter, waitForTurn } from '../../../nodes/shared/transport/limiter';
import { prng, useTestClock } from '../helpers/clock';
import { ServerWindow } from '../helpers/fakeOptimove';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const W = 10_250;

const clock = useTestClock(T0, { sleeps: 'overlap' });

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
	const startLimiter = new StartCountedLimiter(rate);
	const endLimiter = new AnswerCountedLimiter(rate);
	const sends: Send[] = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const k = next++;
			const release = await waitForTurn(kind === 'end' ? endLimiter : startLimiter);
			const start = clock.state.now;
			const { arrive, answer } = latency(k);
			await transportClock.sleep(arrive);
			const arrival = clock.state.now;
			server.hit(arrival);
			await transportClock.sleep(answer);
			sends[k] = { start, arrival, end: clock.state.now };
			release();
		}
	};
	await clock.run(Promise.all(Array.from({ length: concurrency }, worker)));
	return { sends, server, endLimiter };
}

/** Request k's arrival was late (a cold connection, a busy event loop): 400 ms for the first four. */
const coldStart = (k: number) => ({ arrive: k < 4 ? 400 : 5, answer: 10 });

describe('AnswerCountedLimiter: counted from the end of each request', () => {
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
		const limiter = new AnswerCountedLimiter({ limit: 2, windowMs: 1000 });
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
		const limiter = new AnswerCountedLimiter({ limit: 3, windowMs: 1000 });
		const [a, b, c] = [limiter.book(T0), limiter.book(T0), limiter.book(T0)].map((r) => r.slot!);
		limiter.release(c, T0 + 30);
		limiter.release(a, T0 + 500);
		limiter.release(b, T0 + 200);
		const waits = [limiter.book(T0 + 500), limiter.book(T0 + 500), limiter.book(T0 + 500)].map((r) => r.wait);
		expect(waits).toEqual([1030 - 500, 1200 - 500, 1500 - 500]);
	});

	it('a booked start in the future counts as in flight for the callers after it', () => {
		const limiter = new AnswerCountedLimiter({ limit: 1, windowMs: 1000 });
		const a = limiter.book(T0).slot!;
		limiter.release(a, T0 + 10);
		const b = limiter.book(T0 + 10);
		expect(b.wait).toBe(1000); // starts at +1010
		expect(limiter.book(T0 + 20)).toEqual({ wait: HELD_POLL_MS }); // b holds the only place until it ends
		limiter.release(b.slot!, T0 + 1010 + 7);
		expect(limiter.book(T0 + 1017).wait).toBe(1000);
	});

	it('releasing twice is harmless; a release before the booked start counts from the start', () => {
		const limiter = new AnswerCountedLimiter({ limit: 1, windowMs: 1000 });
		limiter.release(limiter.book(T0).slot!, T0);
		const b = limiter.book(T0).slot!; // starts at +1000
		limiter.release(b, T0 + 1); // abandoned before it started
		limiter.release(b, T0 + 5000);
		expect(limiter.inFlight).toBe(0);
		expect(limiter.book(T0 + 1).wait).toBe(1999);
	});

	it('after a 429 every caller waits until the block ends', () => {
		const limiter = new AnswerCountedLimiter({ limit: 50, windowMs: 1000 });
		limiter.blockUntil(T0 + 7000);
		expect(limiter.book(T0).wait).toBe(7000);
		expect(limiter.book(T0 + 100).wait).toBe(6900);
	});

	it('holdUntilAnswered() polls while every place is in flight and returns once one frees', async () => {
		const limiter = new AnswerCountedLimiter({ limit: 1, windowMs: 1000 });
		const first = await clock.run(holdUntilAnswered(limiter));
		const second = holdUntilAnswered(limiter);
		const finish = (async () => {
			await transportClock.sleep(120);
			first();
		})();
		const release = await clock.run(Promise.all([second, finish]).then(([r]) => r));
		// Polled at +50, +100, +150 (first ended at +120): starts at +1120.
		expect(clock.state.now).toBe(T0 + 1120);
		release();
		expect(limiter.inFlight).toBe(0);
	});
});

describe('AdaptiveRate: the share of a key this process learns from 429s', () => {
	const rate = () => new AdaptiveRate(50, 10_000);
	const answered = (r: AdaptiveRate, n: number, from: number) => {
		for (let i = 0; i < n; i++) r.answered(from + i);
	};

	it('after a 429 the limit falls to 90 % of what the server accepted from this process in the last window', () => {
		const r = rate();
		answered(r, 30, T0);
		r.throttled(T0 + 1000, T0 + 900);
		expect(r.limitAt(T0 + 1000)).toBe(27);
	});

	it('never below 90 % of half the limit in force, however little this process sent (it may just have started)', () => {
		const r = rate();
		answered(r, 3, T0);
		r.throttled(T0 + 1000, T0 + 900);
		expect(r.limitAt(T0 + 1000)).toBe(22);
		r.throttled(T0 + 2000, T0 + 1900);
		expect(r.limitAt(T0 + 2000)).toBe(9); // half of 22, 90 %
	});

	it('answers older than the window do not count as accepted', () => {
		const r = rate();
		answered(r, 40, T0);
		r.throttled(T0 + 10_500, T0 + 10_400);
		expect(r.limitAt(T0 + 10_500)).toBe(22);
	});

	it('a 429 for a send started before the last decrease is news already acted on', () => {
		const r = rate();
		answered(r, 30, T0);
		r.throttled(T0 + 1000, T0 + 950);
		r.throttled(T0 + 1010, T0 + 960); // in flight when the first 429 came back
		expect(r.limitAt(T0 + 1010)).toBe(27);
		r.throttled(T0 + 1500, T0 + 1400); // sent after it: the window is still too full
		expect(r.limitAt(T0 + 1500)).toBe(24);
	});

	it('climbs back while no 429 comes: one per window for four windows, then doubling, up to the configured limit', () => {
		const r = rate();
		answered(r, 30, T0);
		r.throttled(T0, T0);
		const levels = Array.from({ length: 10 }, (_, k) => r.limitAt(T0 + k * 10_000));
		expect(levels).toEqual([27, 28, 29, 30, 31, 33, 35, 39, 47, 50]);
		expect(r.limitAt(T0 + 3_600_000)).toBe(50);
	});

	it('a share squeezed below a quarter (another process held the window) tries the full budget after four clean windows', () => {
		const r = rate();
		r.throttled(T0, T0); // 22
		r.throttled(T0 + 100, T0 + 50); // 9
		expect(r.limitAt(T0 + 100)).toBe(9);
		expect([1, 2, 3].map((k) => r.limitAt(T0 + 100 + k * 10_000))).toEqual([10, 11, 12]);
		expect(r.limitAt(T0 + 100 + 4 * 10_000)).toBe(50);
	});

	it('a new 429 during the climb starts it again from the level reached', () => {
		const r = rate();
		answered(r, 30, T0);
		r.throttled(T0, T0);
		answered(r, 29, T0 + 20_000);
		r.throttled(T0 + 20_000, T0 + 20_000); // limit 29 then, 29 accepted
		expect(r.limitAt(T0 + 20_000)).toBe(26);
		expect(r.limitAt(T0 + 30_000)).toBe(27);
	});
});

describe('the limiters under a lowered share', () => {
	it('StartCountedLimiter: after a 429 it books at the lowered limit, spread evenly over the window', () => {
		const limiter = new StartCountedLimiter({ limit: 10, windowMs: 1000 });
		const waits = Array.from({ length: 10 }, () => limiter.reserve(T0));
		expect(waits.every((w) => w === 0)).toBe(true); // configured limit: one burst
		for (let i = 0; i < 10; i++) limiter.answered(T0 + 10);
		limiter.throttled(T0 + 20, T0 + 10);
		expect(limiter.limitAt(T0 + 20)).toBe(9);
		const starts = Array.from({ length: 9 }, () => T0 + 20 + limiter.reserve(T0 + 20));
		expect(starts[0]).toBe(T0 + 1000); // the window of the burst first
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBe(112); // ⌈1000 / 9⌉
	});

	it('StartCountedLimiter: when the share grows again no later caller starts before an earlier one', () => {
		const limiter = new StartCountedLimiter({ limit: 4, windowMs: 1000 });
		for (let i = 0; i < 4; i++) limiter.answered(T0);
		limiter.throttled(T0, T0); // limit 3
		const early = Array.from({ length: 6 }, () => limiter.reserve(T0));
		const later = limiter.reserve(T0 + 1000); // the limit is 4 again by now
		expect(limiter.limitAt(T0 + 1000)).toBe(4);
		expect(T0 + 1000 + later).toBeGreaterThanOrEqual(T0 + Math.max(...early));
	});

	it('AnswerCountedLimiter: after a 429 fewer places, spread over the window', () => {
		const limiter = new AnswerCountedLimiter({ limit: 4, windowMs: 1000 });
		const slots = Array.from({ length: 4 }, () => limiter.book(T0).slot!);
		for (const slot of slots) {
			limiter.release(slot, T0 + 10);
			limiter.answered(T0 + 10);
		}
		limiter.throttled(T0 + 20, T0 + 10);
		expect(limiter.limitAt(T0 + 20)).toBe(3);
		const a = limiter.book(T0 + 20);
		const b = limiter.book(T0 + 20);
		expect(a.wait).toBe(990); // two of the four ends must leave the window first
		expect(b.wait).toBe(990 + 334); // ⌈1000 / 3⌉ after a
	});
});
