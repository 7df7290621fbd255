import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import type { FakeOptimove } from './fakeOptimove';
import type { HttpHelper, Param, Reply, SentRequest } from './n8nContext';
import { n8nContext, REST_CREDENTIALS } from './n8nContext';

export { N8N } from './n8nContext';
export type { SentRequest } from './n8nContext';

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
	http?: HttpHelper;
}

export function itemsOf(rows: IDataObject[]): INodeExecutionData[] {
	return rows.map((json) => ({ json }));
}

/**
 * Runs one operation of the action node on the fake n8n context, with
 * `helpers.httpRequestWithAuthentication` answering the way the transport calls it
 * (`returnFullResponse`, `ignoreHttpStatusErrors`).
 */
export async function run(resource: string, operation: string, options: RunOptions) {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const credential = options.credentials ?? REST_CREDENTIALS.optimoveApi;
	const { ctx, requests, http, events } = n8nContext({
		items,
		params: options.params,
		node: options.raw ? { parameters: options.raw as INodeParameters } : undefined,
		credentials: async () => ({ ...credential }),
		continueOnFail: options.continueOnFail,
		http: options.http,
		reply: options.reply ?? (() => ({ statusCode: 200, body: '' })),
	});
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
