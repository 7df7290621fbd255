export interface RetryPolicy {
	/**
	 * Attempts that may end in a 5xx or a network error, the first included. A 429 does not use one
	 * up: Optimove did not process the request and the limiter has slowed down, so it is retried
	 * for as long as `maxTotalMs` (and the caller's deadline) allow; another process that holds the
	 * key's window can otherwise exhaust a few attempts in seconds.
	 */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** No retry starts later than this after the first attempt. */
	maxTotalMs: number;
}

export const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/** Exponential back-off with full jitter: a random delay in [0, min(max, base·2^n)]. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
	return Math.round(ceiling * random);
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (raw === undefined || raw === null || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(raw));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The network error code of an error or of any error in its `cause` chain. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 6; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$|^UND_ERR|^ERR_/.test(candidate.code)) return candidate.code;
		if (typeof candidate.message === 'string') {
			const match = /\b(E[A-Z]{4,}|socket hang up)\b/.exec(candidate.message);
			if (match) return match[1] === 'socket hang up' ? 'ECONNRESET' : match[1];
		}
		current = candidate.cause;
	}
	return undefined;
}
