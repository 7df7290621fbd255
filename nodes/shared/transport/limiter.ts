import { createHash } from 'crypto';
import { runtime } from './clock';

export interface RateLimit {
	limit: number;
	windowMs: number;
}

/**
 * A sliding-window log: at most `limit` sends start in any `windowMs`. Reservations are made
 * synchronously, so concurrent callers in one process never overbook the window.
 */
export class SlidingWindowLimiter {
	private readonly starts: number[] = [];

	private blockedUntil = 0;

	constructor(private readonly rate: RateLimit) {}

	/** Books the earliest allowed start at or after `now`; returns the wait in milliseconds. */
	reserve(now: number): number {
		const { limit, windowMs } = this.rate;
		while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();
		let at = Math.max(now, this.blockedUntil);
		if (this.starts.length >= limit) {
			at = Math.max(at, this.starts[this.starts.length - limit] + windowMs);
		}
		this.starts.push(at);
		return at - now;
	}

	/** After a 429 the server's window is fuller than ours: hold every caller until `until`. */
	blockUntil(until: number): void {
		this.blockedUntil = Math.max(this.blockedUntil, until);
	}
}

/** Optimove counts in a sliding window at arrival; this margin absorbs network jitter. */
export const WINDOW_SAFETY_MS = 250;

const limiters = new Map<string, SlidingWindowLimiter>();

/** One limiter per (group, secret) in this process; the secret is hashed, never stored. */
export function limiterFor(group: string, secret: string, rate: RateLimit): SlidingWindowLimiter {
	const fingerprint = createHash('sha256').update(secret).digest('hex').slice(0, 16);
	const key = `${group}:${fingerprint}:${rate.limit}/${rate.windowMs}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new SlidingWindowLimiter(rate);
		limiters.set(key, limiter);
	}
	return limiter;
}

export async function acquire(limiter: SlidingWindowLimiter | undefined): Promise<void> {
	if (!limiter) return;
	await runtime.sleep(limiter.reserve(runtime.now()));
}

/** Test hook: forget all limiter state. */
export function resetLimiters(): void {
	limiters.clear();
}
