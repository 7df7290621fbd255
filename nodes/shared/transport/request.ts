import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { clock } from './clock';
import { optimoveApiError } from './errors';
import type { ApiGroupSpec } from './groups';
import { API_GROUPS, rateLimitOf } from './groups';
import { answerCountedLimiterFor, startCountedLimiterFor, waitForTurn } from './limiter';
import type { Limiter } from './limiter';
import { backoffDelay, isRetryableStatus, networkErrorCode, parseRetryAfter, RETRYABLE_NETWORK_CODES } from './retry';
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
	/**
	 * Counts the request against its group's limit under this key (per tenant, say). A group whose
	 * limit applies only to keyed requests (events: registrations) limits nothing else.
	 */
	limitKey?: string;
	/** Values this request carries that must never appear in an error (e.g. a secret being set). */
	secrets?: string[];
}

export interface OptimoveResponse<T> {
	status: number;
	body: T;
	attempts: number;
}

interface Endpoint {
	baseUrl: string;
	secrets: string[];
	limiter?: Limiter;
	credential: ReadCredential;
}

// One read per node run (per context): each getCredentials is a database query plus a decryption
// in n8n, and n8n's HTTP helper would read the credential again for every request unless it is
// handed the one already read (`credentialsDecrypted`, n8n's option for exactly that).
interface ReadCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}
const credentialCache = new WeakMap<OptimoveContext, Map<string, Promise<ReadCredential>>>();

async function readCredential(ctx: OptimoveContext, type: string): Promise<ReadCredential> {
	const data = await ctx.getCredentials(type);
	const reference = ctx.getNode().credentials?.[type];
	return { id: reference?.id ?? '', name: reference?.name ?? '', type, data };
}

function cachedCredential(ctx: OptimoveContext, type: string): Promise<ReadCredential> {
	const byType = credentialCache.get(ctx) ?? new Map<string, Promise<ReadCredential>>();
	credentialCache.set(ctx, byType);
	let credential = byType.get(type);
	if (!credential) {
		credential = readCredential(ctx, type);
		credential.catch(() => byType.delete(type)); // a failed read is tried again next time
		byType.set(type, credential);
	}
	return credential;
}

/** The credential of `type` for this context (node run), read from n8n once. */
export async function credentialsFor(ctx: OptimoveContext, type: string): Promise<ICredentialDataDecryptedObject> {
	return (await cachedCredential(ctx, type)).data;
}

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

/**
 * What a request needs from its API group and credential: the base URL, the secrets to keep out of
 * errors, the limiter it counts against (none when the group sets no limit) and the credential read.
 */
async function resolveEndpoint(ctx: OptimoveContext, request: OptimoveRequest, spec: ApiGroupSpec, group: ApiGroup): Promise<Endpoint> {
	const credential = await cachedCredential(ctx, spec.credential);
	const credentials = credential.data;
	const field = (name: string) => (typeof credentials[name] === 'string' ? (credentials[name] as string) : '');
	const baseUrl = trimSlash(field(spec.baseUrlField));
	if (!baseUrl && spec.missingBaseUrl) {
		throw new NodeOperationError(ctx.getNode(), spec.missingBaseUrl.message, {
			description: spec.missingBaseUrl.description,
			itemIndex: request.itemIndex,
		});
	}
	const secrets = [...spec.secretFields.map(field), ...(request.secrets ?? [])];
	const rate = spec.rate && (!spec.rate.onlyKeyed || request.limitKey !== undefined) ? rateLimitOf(spec.rate, credentials) : undefined;
	let limiter: Limiter | undefined;
	if (rate && spec.rate) {
		const key = request.limitKey === undefined ? group : `${group}:${request.limitKey}`;
		const limitedBy = field(spec.secretFields[0]);
		limiter = spec.rate.countFrom === 'answer' ? answerCountedLimiterFor(key, limitedBy, rate) : startCountedLimiterFor(key, limitedBy, rate);
	}
	return { baseUrl, secrets, limiter, credential };
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
 * Tells the limiter what an unsuccessful attempt says about the key's window at Optimove: a 429
 * lowers this process's share (other processes use the key too) and Retry-After holds every caller
 * of the key until then; any other answer was counted by the server like a success.
 */
function noteAnswer(limiter: Limiter | undefined, status: number | undefined, now: number, sentAt: number, retryAfter?: number) {
	if (!limiter || status === undefined) return;
	if (status !== 429) {
		limiter.answered(now);
		return;
	}
	limiter.throttled(now, sentAt);
	if (retryAfter !== undefined) limiter.blockUntil(now + retryAfter);
}

/** What one attempt got: Optimove's answer, or the network error code when there was none. */
interface Answer {
	status?: number;
	body?: unknown;
	headers: Record<string, unknown>;
	networkCode?: string;
}

async function sendOnce(ctx: OptimoveContext, endpoint: Endpoint, options: IHttpRequestOptions): Promise<Answer> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			endpoint.credential.type,
			{ ...options, headers: { ...options.headers } },
			// A copy per request: n8n's pre-authentication may write into it.
			{ credentialsDecrypted: { ...endpoint.credential, data: { ...endpoint.credential.data } } },
		)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		return { status: response.statusCode, body: response.body, headers: response.headers ?? {} };
	} catch (error) {
		return { headers: {}, networkCode: networkErrorCode(error) ?? 'EUNKNOWN' };
	}
}

/**
 * The one way the package talks to Optimove: a client-side limiter per API key and API group,
 * retries with exponential back-off and jitter on 429, 5xx and network errors (honouring
 * Retry-After; 5xx and network errors bounded in attempts, all of them in total time and by the
 * caller's deadline), and errors that carry
 * Optimove's message with a hint and never a secret.
 */
export async function optimoveRequest<T = unknown>(
	this: OptimoveContext,
	request: OptimoveRequest,
): Promise<OptimoveResponse<T>> {
	const route = ROUTES[request.route];
	const spec = API_GROUPS[route.group];
	const policy = spec.retry;
	const endpoint = await resolveEndpoint(this, request, spec, route.group);
	const url = endpoint.baseUrl + buildPath(route.path, request.pathParams);
	const options: IHttpRequestOptions = {
		method: route.method,
		url,
		qs: request.query,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: spec.timeoutMs,
		disableFollowRedirect: !spec.followRedirects || undefined,
	};
	if (request.body !== undefined) options.body = request.body as IDataObject;

	const started = clock.now();
	const giveUpAt = Math.min(started + policy.maxTotalMs, request.deadline ?? Infinity);
	const failure = (answer: Answer, attempts: number) =>
		optimoveApiError(this.getNode(), {
			routeName: request.route,
			group: route.group,
			status: answer.status,
			body: answer.body,
			networkCode: answer.networkCode,
			attempts,
			host: hostOf(url),
			itemIndex: request.itemIndex,
			secrets: endpoint.secrets,
		});
	let failedAttempts = 0; // those a 429 does not count in (see RetryPolicy.maxAttempts)
	let previous: Answer | undefined;
	for (let attempt = 1; ; attempt++) {
		const release = await waitForTurn(endpoint.limiter);
		if (previous && clock.now() > giveUpAt) {
			// The limiter held this retry past the budget or the caller's deadline: it would arrive late.
			release();
			throw failure(previous, attempt - 1);
		}
		const sentAt = clock.now();
		let answer: Answer;
		try {
			answer = await sendOnce(this, endpoint, options);
			if (answer.status !== undefined && answer.status < 400) {
				endpoint.limiter?.answered(clock.now());
				return { status: answer.status, body: answer.body as T, attempts: attempt };
			}
		} finally {
			release();
		}
		previous = answer;
		const { status, networkCode } = answer;
		if (networkCode !== undefined && !RETRYABLE_NETWORK_CODES.has(networkCode)) throw failure(answer, attempt);

		const retryable = networkCode !== undefined || isRetryableStatus(status as number);
		const now = clock.now();
		const retryAfter = status === 429 ? parseRetryAfter(answer.headers['retry-after'], now) : undefined;
		// A Retry-After of 0 (or a date already past) waits the back-off: a 429 uses up no attempt, so
		// it is never retried at once.
		const delay = retryAfter || backoffDelay(policy, attempt - 1, clock.random());
		noteAnswer(endpoint.limiter, status, now, sentAt, retryAfter);
		if (status !== 429) failedAttempts++;
		if (!retryable || failedAttempts >= policy.maxAttempts || now + delay > giveUpAt) throw failure(answer, attempt);
		this.logger?.debug(`Optimove ${request.route}: attempt ${attempt} failed (${status ?? networkCode}), retrying in ${delay} ms`);
		await clock.sleep(delay);
	}
}
