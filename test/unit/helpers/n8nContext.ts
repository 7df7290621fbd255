import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import { OptimoveApi } from '../../../credentials/OptimoveApi.credentials';
import { OptimoveEventsApi } from '../../../credentials/OptimoveEventsApi.credentials';

// The one fake n8n context of the unit tests: an action node's run, a trigger's webhook-method
// hooks, or a trigger's incoming request. It answers what the nodes ask n8n and records what they
// did (requests, parameter reads, log lines, the webhook response).

/** Recognisable fake secrets, so tests can assert none leaks. */
export function fakeSecret(label: string): string {
	return `test-${label}-0123456789`;
}

export const REST_CREDENTIALS = {
	optimoveApi: {
		baseUrl: 'https://api4.optimove.test',
		apiKey: fakeSecret('api-key'),
		webhookSecret: fakeSecret('webhook-secret'),
		promotionsBaseUrl: 'https://promotions.optimove.test',
		restRateLimit: 50,
		realtimeRateLimit: 0,
	},
};

/** The Optimove Events API credential's fields used by the event tests. */
export const EVENTS_CREDENTIALS = {
	endpointUrl: 'https://server-1234.optimove.test/reportServer',
	tenantId: 1234,
	eventsToken: fakeSecret('events-token'),
};

export const BASE = REST_CREDENTIALS.optimoveApi.baseUrl;
export const PROMOTIONS = REST_CREDENTIALS.optimoveApi.promotionsBaseUrl;
/** This n8n's base URL, as the node context gives it. */
export const N8N = 'https://n8n.example.test';

export const TEST_NODE: INode = {
	id: 'node-1',
	name: 'Optimove',
	type: 'n8n-nodes-optimove.optimove',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A request as the transport handed it to n8n's HTTP helper (path without the Optimove base URLs). */
export interface SentRequest {
	method: string;
	path: string;
	qs: IDataObject;
	body: unknown;
}

export interface Reply {
	statusCode: number;
	body?: unknown;
	headers?: Record<string, unknown>;
}

/** A parameter: a constant, or a function of the item (as an expression would be). */
export type Param = unknown | ((item: IDataObject, itemIndex: number) => unknown);

/** n8n's `helpers.httpRequestWithAuthentication`, called with the node's context as `this`. */
export type HttpHelper = (this: unknown, type: string, request: IHttpRequestOptions, ...rest: unknown[]) => Promise<unknown>;

export interface ContextOptions {
	/**
	 * Which n8n context: 'execute' (an action node's run: `getNodeParameter(name, itemIndex,
	 * fallback)`), 'hook' (a trigger's checkExists/create/delete) or 'webhook' (a trigger's
	 * request); the last two read parameters as `getNodeParameter(name, fallback)`.
	 */
	kind?: 'execute' | 'hook' | 'webhook';
	/** Merged over TEST_NODE (e.g. `parameters` as n8n stores them, `credentials`). */
	node?: Partial<INode>;
	items?: INodeExecutionData[];
	/**
	 * Parameter values by name (a dotted name reaches into a collection), each a constant or a
	 * function of the item (a missing value gives the caller's fallback); or one function answering
	 * every read, fallback included (a stand-in for n8n's evaluator).
	 */
	params?: Record<string, Param> | ((name: string, itemIndex: number, fallback: unknown) => unknown);
	/** Credential data by type, or n8n's `getCredentials` itself. */
	credentials?: Record<string, IDataObject> | ((type: string) => Promise<IDataObject>);
	/**
	 * Serves the node's HTTP: a helper, or 'n8n-core' for n8n-core's real
	 * `httpRequestWithAuthentication` (axios underneath, so nock intercepts it) with our
	 * credential classes applied. Default: `reply`; with neither, a request fails the test.
	 */
	http?: HttpHelper | 'n8n-core';
	/** Answers each request when no `http` is given. */
	reply?: (request: SentRequest, callNumber: number) => Reply;
	continueOnFail?: boolean;
	/** n8n's execution mode (default: 'trigger' for hooks, 'webhook' for requests, else 'manual'). */
	mode?: string;
	webhookUrl?: string;
	staticData?: IDataObject;
	workflowId?: string;
	/** The incoming request (webhook kind): n8n's request object, headers and query. */
	request?: { object?: unknown; headers?: IDataObject; query?: IDataObject };
}

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	optimoveApi: new OptimoveApi(),
	optimoveEventsApi: new OptimoveEventsApi(),
};

/** Applies a credential type's `authenticate` as n8n does: generic header templates or the function. */
async function authenticate(
	credentials: ICredentialDataDecryptedObject,
	type: string,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const authenticator = CREDENTIAL_TYPES[type].authenticate;
	if (typeof authenticator === 'function') return authenticator(credentials, options);
	const headers: IDataObject = { ...(options.headers ?? {}) };
	for (const [name, template] of Object.entries(authenticator?.properties.headers ?? {})) {
		headers[name] = String(template).replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_, key: string) => String(credentials[key]));
	}
	return { ...options, headers };
}

const N8N_CORE_ADDITIONAL_DATA = {
	credentialsHelper: {
		getParentTypes: () => [],
		preAuthentication: async () => undefined,
		authenticate: async (creds: ICredentialDataDecryptedObject, type: string, request: IHttpRequestOptions) => authenticate(creds, type, request),
	},
} as unknown as IWorkflowExecuteAdditionalData;

function lookup(params: Record<string, Param>, name: string): Param {
	const [head, ...rest] = name.split('.');
	let value: unknown = params[head];
	for (const key of rest) value = value && typeof value === 'object' ? (value as IDataObject)[key] : undefined;
	return value;
}

export function n8nContext(options: ContextOptions = {}) {
	const kind = options.kind ?? 'execute';
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const node: INode = { ...TEST_NODE, ...options.node };
	const staticData = options.staticData ?? {};
	const logs: string[] = [];
	/** Parameter reads (`param <name> <itemIndex>`) and requests (`request <n>`), in the order they happened. */
	const events: string[] = [];
	const requests: SentRequest[] = [];
	const response = { statusCode: 200, body: undefined as unknown };

	const param = (name: string, itemIndex: number, fallback?: unknown): unknown => {
		events.push(`param ${name} ${itemIndex}`);
		const params = options.params ?? {};
		if (typeof params === 'function') return params(name, itemIndex, fallback);
		const found = lookup(params, name);
		// As in n8n: the fallback stands in for a parameter that is not set; an expression's result,
		// undefined included, is returned as it is.
		if (typeof found === 'function') return (found as (item: IDataObject, i: number) => unknown)(items[itemIndex].json, itemIndex);
		return found === undefined ? fallback : found;
	};
	const credentials = options.credentials ?? {};
	const log = (level: string) => (message: string) => logs.push(`${level}: ${message}`);
	const res = {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
	};

	const ctx = {
		getNode: () => JSON.parse(JSON.stringify(node)) as INode, // n8n hands out a copy on every call
		getWorkflow: () => ({ id: options.workflowId ?? 'workflow-1', name: 'A workflow', active: true }),
		getMode: () => options.mode ?? { execute: 'manual', hook: 'trigger', webhook: 'webhook' }[kind],
		getCredentials:
			typeof credentials === 'function'
				? credentials
				: async (type: string) => {
						if (!credentials[type]) throw new Error(`no ${type} credential in this test`);
						return { ...credentials[type] };
					},
		getInputData: () => items,
		getNodeParameter:
			kind === 'execute'
				? (name: string, itemIndex = 0, fallback?: unknown) => param(name, itemIndex, fallback)
				: (name: string, fallback?: unknown) => param(name, 0, fallback),
		getInstanceBaseUrl: () => `${N8N}/`,
		getNodeWebhookUrl: () => options.webhookUrl ?? `${N8N}/webhook/abc/webhook`,
		getWorkflowStaticData: () => staticData,
		getRequestObject: () => options.request?.object,
		getHeaderData: () => options.request?.headers ?? {},
		getQueryData: () => options.request?.query ?? {},
		getResponseObject: () => res,
		continueOnFail: () => options.continueOnFail ?? false,
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: {
			httpRequestWithAuthentication: jest.fn(async function (this: unknown, type: string, request: IHttpRequestOptions, ...rest: unknown[]): Promise<unknown> {
				const sent: SentRequest = {
					method: String(request.method),
					path: request.url.replace(BASE, '').replace(PROMOTIONS, ''),
					qs: (request.qs ?? {}) as IDataObject,
					body: request.body,
				};
				requests.push(sent);
				events.push(`request ${requests.length}`);
				if (options.http === 'n8n-core') return httpRequestWithAuthentication.call(ctx as never, type, request, {} as Workflow, node, N8N_CORE_ADDITIONAL_DATA);
				if (options.http) return options.http.call(this, type, request, ...rest);
				if (!options.reply) throw new Error(`this test gives the node no HTTP (http or reply), but it sent ${sent.method} ${sent.path}`);
				return { headers: {}, ...options.reply(sent, requests.length) };
			}),
			// n8n's helper gives a binary property's bytes whatever its storage mode; here: base64 kept in the item.
			getBinaryDataBuffer: async (itemIndex: number, property: string) => Buffer.from(items[itemIndex].binary?.[property]?.data ?? '', 'base64'),
		},
	};
	return { ctx, logs, events, requests, response, staticData, http: ctx.helpers.httpRequestWithAuthentication };
}
