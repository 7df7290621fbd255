import { createHash } from 'crypto';
import { AdaptiveRate } from './adaptive';
import { clock } from './clock';

export interface RateLimit {
	limit: number;
	windowMs: number;
}

/**
 * What both limiters share: the limit in force (the configured one, lowered after 429s while other
 * processes use the same key: see AdaptiveRate) and a block for Retry-After.
 */
abstract class AdaptiveLimiter {
	protected blockedUntil = 0;

	private lastStart = -Infinity;

	protected readonly adaptive: AdaptiveRate;

	constructor(protected readonly rate: RateLimit) {
		this.adaptive = new AdaptiveRate(rate.limit, rate.windowMs);
	}

	/** The limit in force at `now` (the configured one unless 429s lowered it). */
	limitAt(now: number): number {
		return this.adaptive.limitAt(now);
	}

	/** Optimove answered a send (with anything but a 429): the server counted it. */
	answered(now: number): void {
		this.adaptive.answered(now);
	}

	/** A send started at `sentAt` got a 429 at `now`: the key's window is full, take a smaller share. */
	throttled(now: number, sentAt: number): void {
		this.adaptive.throttled(now, sentAt);
	}

	/** Optimove said when to come back (Retry-After): hold every caller until `until`. */
	blockUntil(until: number): void {
		this.blockedUntil = Math.max(this.blockedUntil, until);
	}

	/**
	 * The start for a send the window allows at `at`. While the limit is lowered the sends are also
	 * spread evenly over the window: a burst at the window's edge would meet the other processes'
	 * sends all at once and collect a 429 for each of them.
	 */
	protected spread(at: number, limit: number): number {
		const start = limit < this.rate.limit ? Math.max(at, this.lastStart + Math.ceil(this.rate.windowMs / limit)) : at;
		this.lastStart = Math.max(this.lastStart, start);
		return start;
	}
}

/**
 * A sliding-window log: at most `limit` sends start in any `windowMs`. Reservations are made
 * synchronously, so concurrent callers in one process never overbook the window, and in order:
 * when the limit rises again no later caller starts before an earlier one.
 */
export class StartCountedLimiter extends AdaptiveLimiter {
	private readonly starts: number[] = [];

	/** Books the earliest allowed start at or after `now`; returns the wait in milliseconds. */
	reserve(now: number): number {
		const { windowMs } = this.rate;
		const limit = this.limitAt(now);
		while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();
		let at = Math.max(now, this.blockedUntil, this.starts[this.starts.length - 1] ?? 0);
		if (this.starts.length >= limit) {
			at = Math.max(at, this.starts[this.starts.length - limit] + windowMs);
		}
		at = this.spread(at, limit);
		this.starts.push(at);
		return at - now;
	}
}

/** A booked send: it holds its place in the window until it is released (when its answer came). */
export interface HeldSlot {
	/** Epoch ms the send may start at. */
	readonly start: number;
	released: boolean;
}

/** How a caller polls when every slot of the window is held by a send still in flight. */
export const HELD_POLL_MS = 50;

/**
 * A sliding window counted from the END of each send: a send occupies one of `limit` places from
 * the moment it is booked until `windowMs` after its answer arrived, and one still in flight
 * occupies its place for as long as it lasts.
 *
 * Why: the server counts a request when it arrives, which is somewhere between the moment the
 * client started it and the moment the answer came back. Counting from the start (as
 * StartCountedLimiter does) lets request k + limit arrive less than a window after request k
 * whenever request k itself reached the server late (a cold connection, a busy event loop, a
 * slow network). Counting from the answer makes the rule hold whatever the delays:
 * start(k + limit) ≥ end(k) + windowMs ≥ arrival(k) + windowMs.
 */
export class AnswerCountedLimiter extends AdaptiveLimiter {
	/** End times (epoch ms) of released sends that may still occupy the window, ascending. */
	private readonly ends: number[] = [];

	/** Sends booked and not yet released (waiting for their start or in flight). */
	private held = 0;

	/**
	 * Books the earliest start at or after `now`: `{ slot, wait }`. When every place is held by a
	 * send still in flight no start can be computed yet: `{ wait }` (poll again after it).
	 */
	book(now: number): { slot?: HeldSlot; wait: number } {
		const { windowMs } = this.rate;
		const limit = this.limitAt(now);
		while (this.ends.length > 0 && this.ends[0] + windowMs <= now) this.ends.shift();
		// Places left for released sends once the held ones are counted (the new send takes one).
		const free = limit - this.held;
		if (free <= 0) return { wait: HELD_POLL_MS };
		let at = Math.max(now, this.blockedUntil);
		// At `at` at most free − 1 released sends may still be inside their window.
		if (this.ends.length >= free) at = Math.max(at, this.ends[this.ends.length - free] + windowMs);
		at = this.spread(at, limit);
		this.held++;
		return { slot: { start: at, released: false }, wait: at - now };
	}

	/** The send of `slot` got its answer (or failed) at `now`: its place frees `windowMs` later. */
	release(slot: HeldSlot, now: number): void {
		if (slot.released) return;
		slot.released = true;
		this.held--;
		const end = Math.max(now, slot.start);
		let i = this.ends.length;
		while (i > 0 && this.ends[i - 1] > end) i--;
		this.ends.splice(i, 0, end);
	}

	/** Sends booked and not released (for tests and diagnostics). */
	get inFlight(): number {
		return this.held;
	}
}

/** Optimove counts in a sliding window at arrival; this margin absorbs network jitter. */
export const WINDOW_SAFETY_MS = 250;

const limiters = new Map<string, Limiter>();

/** The limiter of one kind for (group, secret, rate) in this process; the secret is hashed, never stored. */
function sharedLimiter<T extends Limiter>(kind: string, group: string, secret: string, rate: RateLimit, make: () => T): T {
	const fingerprint = createHash('sha256').update(secret).digest('hex').slice(0, 16);
	const key = `${kind}:${group}:${fingerprint}:${rate.limit}/${rate.windowMs}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = make();
		limiters.set(key, limiter);
	}
	return limiter as T;
}

/** One limiter per (group, secret) in this process. */
export function startCountedLimiterFor(group: string, secret: string, rate: RateLimit): StartCountedLimiter {
	return sharedLimiter('start', group, secret, rate, () => new StartCountedLimiter(rate));
}

/** One completion-counted limiter per (group, secret) in this process. */
export function answerCountedLimiterFor(group: string, secret: string, rate: RateLimit): AnswerCountedLimiter {
	return sharedLimiter('end', group, secret, rate, () => new AnswerCountedLimiter(rate));
}

/**
 * Waits for a place in `limiter`'s window and returns the function that gives it back; call it
 * exactly when the send is over (answer, error or abandon), e.g. in a `finally`.
 */
export async function holdUntilAnswered(limiter: AnswerCountedLimiter): Promise<() => void> {
	for (;;) {
		const { slot, wait } = limiter.book(clock.now());
		await clock.sleep(wait);
		if (slot) return () => limiter.release(slot, clock.now());
	}
}

/** Either kind: what the transport holds a request's place in. */
export type Limiter = StartCountedLimiter | AnswerCountedLimiter;

/**
 * Takes a place for one send and returns the function that ends it (call it when the answer came,
 * or the send failed). A start-counted window needs no end; a completion-counted one does.
 */
export async function waitForTurn(limiter: Limiter | undefined): Promise<() => void> {
	if (limiter instanceof AnswerCountedLimiter) return holdUntilAnswered(limiter);
	if (limiter) await clock.sleep(limiter.reserve(clock.now()));
	return () => {};
}

/** Test hook: forget all limiter state. */
export function resetLimiters(): void {
	limiters.clear();
}
