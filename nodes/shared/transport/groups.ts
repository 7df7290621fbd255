import type { RateLimit } from './limiter';
import { WINDOW_SAFETY_MS } from './limiter';
import type { RetryPolicy } from './retry';
import type { ApiGroup } from './routes';

/** How a group's client-side rate limit is set and counted. */
export interface GroupRate {
	/** Requests per window: a number, or the credential field holding it (`fallback` when unset or not positive; 0: no limit). */
	limit: number | { field: string; fallback: number };
	windowMs: number;
	/** 'start': a request counts from when it starts; 'answer': from when its answer came (see AnswerCountedLimiter). */
	countFrom: 'start' | 'answer';
	/** Only requests that name a limit key are limited (events: registrations and user details updates). */
	onlyKeyed?: boolean;
}

/** Everything the transport needs to know about one of Optimove's API groups. */
export interface ApiGroupSpec {
	credential: 'optimoveApi' | 'optimoveEventsApi';
	/** The credential field with the group's base URL. */
	baseUrlField: string;
	/** The error when the base URL field is empty; undefined: the credential requires it. */
	missingBaseUrl?: { message: string; description: string };
	/** Credential fields never shown in an error; the first is the key the rate limit is counted per. */
	secretFields: string[];
	rate?: GroupRate;
	retry: RetryPolicy;
	timeoutMs: number;
	/** A redirected POST would arrive as a GET without its body. */
	followRedirects: boolean;
	/** What an error tells the user to check. */
	help: GroupHelp;
}

/** What a user checks when a request of a group fails: the credential and the fields that group uses. */
export interface GroupHelp {
	/** The credential's display name. */
	credential: string;
	/** The field that authenticates the request. */
	secretField: string;
	/** The field that names the host. */
	urlField: string;
	/** What a 401 most often means for this group. */
	unauthorized: string;
	/** What to do about a 429 that outlasted the retries. */
	rateSetting: string;
}

/** Optimove's REST limit: 50 requests per 10 s per API key, counted at arrival (plus a margin for jitter). */
const REST_WINDOW_MS = 10_000 + WINDOW_SAFETY_MS;

/** What an error says to check for the calls made with the Optimove API credential's key and Base URL. */
const API_KEY_HELP = {
	credential: 'Optimove API',
	secretField: 'API Key',
	urlField: 'Base URL',
	unauthorized: 'it may be mistyped, revoked, or for another tenant',
};

export const API_GROUPS: Record<ApiGroup, ApiGroupSpec> = {
	rest: {
		credential: 'optimoveApi',
		baseUrlField: 'baseUrl',
		secretFields: ['apiKey', 'webhookSecret'],
		rate: { limit: { field: 'restRateLimit', fallback: 50 }, windowMs: REST_WINDOW_MS, countFrom: 'start' },
		retry: { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 20_000, maxTotalMs: 120_000 },
		timeoutMs: 60_000,
		followRedirects: true,
		help: {
			...API_KEY_HELP,
			rateSetting: 'lower "REST Requests per 10 Seconds" on the Optimove API credential, or spread the work over time',
		},
	},
	// Real-time calls race a 5-second approval deadline: a short timeout, few and short retries, and
	// no client-side limit unless the credential sets one.
	realtime: {
		credential: 'optimoveApi',
		baseUrlField: 'baseUrl',
		secretFields: ['apiKey', 'webhookSecret'],
		rate: { limit: { field: 'realtimeRateLimit', fallback: 0 }, windowMs: 1000, countFrom: 'start' },
		retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 4000 },
		timeoutMs: 5000,
		followRedirects: true,
		help: {
			...API_KEY_HELP,
			rateSetting: 'set "Real-Time Requests per Second" on the Optimove API credential, or spread the work over time',
		},
	},
	promotions: {
		credential: 'optimoveApi',
		baseUrlField: 'promotionsBaseUrl',
		missingBaseUrl: {
			message: 'No Promotions Base URL is set on the Optimove API credential',
			description: 'Promotions live on their own host. Ask Optimove for it and enter it on the credential.',
		},
		secretFields: ['apiKey', 'webhookSecret'],
		rate: { limit: 50, windowMs: REST_WINDOW_MS, countFrom: 'start' },
		retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxTotalMs: 60_000 },
		timeoutMs: 60_000,
		followRedirects: true,
		help: {
			credential: 'Optimove API',
			secretField: 'API Key',
			urlField: 'Promotions Base URL',
			unauthorized: 'it may be mistyped, revoked, for another tenant, or not enabled for Promotions',
			rateSetting: 'spread the work over time',
		},
	},
	// Registrations and user details updates: at most 50 requests per 10 s, counted from each answer so
	// none reaches Optimove within the window of the arrival of the request 50 before it.
	events: {
		credential: 'optimoveEventsApi',
		baseUrlField: 'endpointUrl',
		secretFields: ['eventsToken'],
		rate: { limit: 50, windowMs: REST_WINDOW_MS, countFrom: 'answer', onlyKeyed: true },
		retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxTotalMs: 120_000 },
		timeoutMs: 60_000,
		followRedirects: false,
		help: {
			credential: 'Optimove Events API',
			secretField: 'Events Token',
			urlField: 'Events Endpoint URL',
			unauthorized:
				'every request is signed with it, so a mistyped or rotated token fails the signature check; also check that the Tenant ID belongs to the same tenant',
			rateSetting: 'spread the events over time',
		},
	},
};

/** The limit a group's rate sets with these credentials: undefined when it sets none. */
export function rateLimitOf(rate: GroupRate, credentials: Record<string, unknown>): RateLimit | undefined {
	let limit: number;
	if (typeof rate.limit === 'number') limit = rate.limit;
	else {
		const configured = Number(credentials[rate.limit.field]);
		limit = configured > 0 ? configured : rate.limit.fallback;
	}
	return limit > 0 ? { limit, windowMs: rate.windowMs } : undefined;
}
