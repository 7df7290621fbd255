import type { IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import type { FakeOptimove } from './fakeOptimove';
import { REST_CREDENTIALS, TEST_NODE } from './n8nContext';

export const BASE = REST_CREDENTIALS.optimoveApi.baseUrl;
export const PROMOTIONS = REST_CREDENTIALS.optimoveApi.promotionsBaseUrl;
/** This n8n's base URL, as the node context gives it. */
export const N8N = 'https://n8n.example.test';

/** A request as the transport handed it to n8n's HTTP helper. */
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

export interface RunOptions {
	params: Record<string, Param>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** The Optimove API credential's fields, instead of REST_CREDENTIALS. */
	credentials?: IDataObject;
	/** Answers each request; default 200 with no body. */
	reply?: (request: SentRequest, callNumber: number) => Reply;
	/** The node's raw parameters as n8n stores them (e.g. `={{ $json.x }}`); default none. */
	raw?: Record<string, unknown>;
	/** Serves the requests instead of `reply` (e.g. a FakeOptimove's handler). */
	http?: (type: string, request: IHttpRequestOptions) => Promise<unknown>;
}

export function itemsOf(rows: IDataObject[]): INodeExecutionData[] {
	return rows.map((json) => ({ json }));
}

function lookup(params: Record<string, Param>, name: string): Param {
	const [head, ...rest] = name.split('.');
	let value: unknown = params[head];
	for (const key of rest) value = value && typeof value === 'object' ? (value as IDataObject)[key] : undefined;
	return value;
}

/**
 * Runs one operation of the action node with `helpers.httpRequestWithAuthentication` mocked the
 * way the transport calls it (`returnFullResponse`, `ignoreHttpStatusErrors`), on a virtual clock.
 */
export async function run(resource: string, operation: string, options: RunOptions) {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const requests: SentRequest[] = [];
	/** Parameter evaluations (`param <name> <itemIndex>`) and requests (`request <n>`), in the order they happened. */
	const events: string[] = [];
	const http = jest.fn(async (type: string, request: IHttpRequestOptions) => {
		const sent: SentRequest = {
			method: String(request.method),
			path: request.url.replace(BASE, '').replace(PROMOTIONS, ''),
			qs: (request.qs ?? {}) as IDataObject,
			body: request.body,
		};
		requests.push(sent);
		events.push(`request ${requests.length}`);
		if (options.http) return options.http(type, request);
		const reply = options.reply ? options.reply(sent, requests.length) : { statusCode: 200, body: '' };
		return { headers: {}, ...reply };
	});
	const node = options.raw ? { ...TEST_NODE, parameters: options.raw } : TEST_NODE;
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ ...(options.credentials ?? REST_CREDENTIALS.optimoveApi) }),
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			events.push(`param ${name} ${itemIndex}`);
			const param = lookup(options.params, name);
			const value = typeof param === 'function' ? (param as (i: IDataObject, n: number) => unknown)(items[itemIndex].json, itemIndex) : param;
			return value === undefined ? fallback : value;
		},
		getInstanceBaseUrl: () => `${N8N}/`,
		continueOnFail: () => options.continueOnFail ?? false,
		helpers: {
			httpRequestWithAuthentication: http,
			// n8n's helper gives a binary property's bytes whatever its storage mode; here: base64 kept in the item.
			getBinaryDataBuffer: async (itemIndex: number, property: string) => Buffer.from(items[itemIndex].binary?.[property]?.data ?? '', 'base64'),
		},
	};
	const output = await RESOURCES[resource].operations[operation].execute.call(ctx as never, items);
	return { output, requests, http, events };
}

/** Runs one operation on one item against a FakeOptimove; resolves to its output items. */
export async function runOperation(optimove: FakeOptimove, resource: string, operation: string, params: IDataObject, continueOnFail = false) {
	return (await run(resource, operation, { params, continueOnFail, http: optimove.handle })).output;
}

/** The error a run rejects with. */
export async function failure(promise: Promise<unknown>): Promise<Error & { description?: string; context?: IDataObject }> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the operation to fail');
}

/** Virtual clock start used by every test: 2026-11-22 09:00:00 UTC. */
export const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
