import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runtime } from './clock';
import { optimoveApiError } from './errors';
import { acquire, limiterFor, WINDOW_SAFETY_MS } from './limiter';
import type { RateLimit, SlidingWindowLimiter } from './limiter';
import {
	backoffDelay,
	isRetryableStatus,
	networkErrorCode,
	parseRetryAfter,
	RETRY_POLICIES,
	RETRYABLE_NETWORK_CODES,
} from './retry';
import type { ApiGroup, RouteName } from './routes';
import { ROUTES } from './routes';

export type OptimoveContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface OptimoveRequest {
	route: RouteName;
	pathParams?: Record<string, string | number>;
	query?: IDataObject;
	body?: unknown;
	/** Epoch ms: no attempt starts after it (approvals must not arrive late). */
	deadline?: number;
	itemIndex?: number;
	/** Overrides the group's limiter, e.g. the events channel's 50/10 s for registrations. */
	rateLimit?: { key: string; rate: RateLimit };
}

export interface OptimoveResponse<T> {
	status: number;
	body: T;
	attempts: number;
}

const CREDENTIAL_BY_GROUP: Record<ApiGroup, string> = {
	rest: 'optimoveApi',
	realtime: 'optimoveApi',
	promotions: 'optimoveApi',
	events: 'optimoveEventsApi',
};

interface Connection {
	baseUrl: string;
	secrets: string[];
	limiter?: SlidingWindowLimiter;
}

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

async function connect(ctx: OptimoveContext, request: OptimoveRequest, group: ApiGroup): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_BY_GROUP[group]);
	const secretOf = (name: string) => (typeof credentials[name] === 'string' ? (credentials[name] as string) : '');
	if (group === 'events') {
		const token = secretOf('eventsToken');
		const limiter = request.rateLimit
			? limiterFor(`events:${request.rateLimit.key}`, token, request.rateLimit.rate)
			: undefined;
		return { baseUrl: trimSlash(secretOf('endpointUrl')), secrets: [token], limiter };
	}
	const apiKey = secretOf('apiKey');
	const secrets = [apiKey, secretOf('webhookSecret')];
	if (group === 'promotions') {
		const baseUrl = trimSlash(secretOf('promotionsBaseUrl'));
		if (!baseUrl) {
			throw new NodeOperationError(ctx.getNode(), 'No Promotions Base URL is set on the Optimove API credential', {
				description: 'Promotions live on their own host. Ask Optimove for it and enter it on the credential.',
				itemIndex: request.itemIndex,
			});
		}
		return { baseUrl, secrets, limiter: limiterFor('promotions', apiKey, { limit: 50, windowMs: 10_000 + WINDOW_SAFETY_MS }) };
	}
	let limiter: SlidingWindowLimiter | undefined;
	if (group === 'rest') {
		const limit = Number(credentials.restRateLimit) > 0 ? Number(credentials.restRateLimit) : 50;
		limiter = limiterFor('rest', apiKey, { limit, windowMs: 10_000 + WINDOW_SAFETY_MS });
	} else {
		const perSecond = Number(credentials.realtimeRateLimit) || 0;
		limiter = perSecond > 0 ? limiterFor('realtime', apiKey, { limit: perSecond, windowMs: 1000 }) : undefined;
	}
	return { baseUrl: trimSlash(secretOf('baseUrl')), secrets, limiter };
}

function buildPath(path: string, params: Record<string, string | number> = {}): string {
	return path.replace(/\{(\w+)\}/g, (_, name: string) => {
		if (params[name] === undefined) throw new Error(`missing path parameter ${name}`);
		return encodeURIComponent(String(params[name]));
	});
}

function hostOf(url: string): string {
	const match = /^[a-z]+:\/\/[^/]+/i.exec(url);
	return match ? match[0] : url;
}

/**
 * The one way the package talks to Optimove: a client-side limiter per API key and API group,
 * retries with exponential back-off and jitter on 429, 5xx and network errors (honouring
 * Retry-After, bounded in attempts, total time and the caller's deadline), and errors that carry
 * Optimove's message with a hint and never a secret.
 */
export async function optimoveRequest<T = unknown>(
	this: OptimoveContext,
	request: OptimoveRequest,
): Promise<OptimoveResponse<T>> {
	const route = ROUTES[request.route];
	const policy = RETRY_POLICIES[route.group];
	const connection = await connect(this, request, route.group);
	const url = connection.baseUrl + buildPath(route.path, request.pathParams);
	const options: IHttpRequestOptions = {
		method: route.method,
		url,
		qs: request.query,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: route.group === 'realtime' ? 5000 : 60_000,
	};
	if (request.body !== undefined) options.body = request.body as IDataObject;

	const started = runtime.now();
	const giveUpAt = Math.min(started + policy.maxTotalMs, request.deadline ?? Infinity);
	for (let attempt = 1; ; attempt++) {
		await acquire(connection.limiter);
		let status: number | undefined;
		let body: unknown;
		let headers: Record<string, unknown> = {};
		let networkCode: string | undefined;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_BY_GROUP[route.group],
				{ ...options, headers: { ...options.headers } },
			)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
			status = response.statusCode;
			body = response.body;
			headers = response.headers ?? {};
			if (status < 400) return { status, body: body as T, attempts: attempt };
		} catch (error) {
			networkCode = networkErrorCode(error) ?? 'EUNKNOWN';
			if (!RETRYABLE_NETWORK_CODES.has(networkCode)) {
				throw optimoveApiError(this.getNode(), {
					routeName: request.route,
					networkCode,
					attempts: attempt,
					host: hostOf(url),
					itemIndex: request.itemIndex,
					secrets: connection.secrets,
				});
			}
		}

		const retryable = networkCode !== undefined || isRetryableStatus(status as number);
		const now = runtime.now();
		const retryAfter = status === 429 ? parseRetryAfter(headers['retry-after'], now) : undefined;
		const delay = retryAfter ?? backoffDelay(policy, attempt - 1, runtime.random());
		if (status === 429) connection.limiter?.blockUntil(now + delay);
		if (!retryable || attempt >= policy.maxAttempts || now + delay > giveUpAt) {
			throw optimoveApiError(this.getNode(), {
				routeName: request.route,
				status,
				body,
				networkCode,
				attempts: attempt,
				host: hostOf(url),
				itemIndex: request.itemIndex,
				secrets: connection.secrets,
			});
		}
		this.logger?.debug(`Optimove ${request.route}: attempt ${attempt} failed (${status ?? networkCode}), retrying in ${delay} ms`);
		await runtime.sleep(delay);
	}
}
