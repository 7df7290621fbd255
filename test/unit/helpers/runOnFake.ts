import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { REST_CREDENTIALS, TEST_NODE } from './n8nContext';
import type { FakeOptimove } from './fakeOptimove';

export const N8N = 'https://n8n.example.test';

/** Runs one action-node operation on one item against a FakeOptimove. */
export async function runOperation(
	optimove: FakeOptimove,
	resource: string,
	operation: string,
	params: IDataObject,
	continueOnFail = false,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [{ json: {} }];
	const ctx = {
		getNode: () => TEST_NODE,
		getCredentials: async () => ({ ...REST_CREDENTIALS.optimoveApi }),
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => (params[name] === undefined ? fallback : params[name]),
		getInstanceBaseUrl: () => `${N8N}/`,
		continueOnFail: () => continueOnFail,
		helpers: { httpRequestWithAuthentication: jest.fn(optimove.handle) },
	};
	return RESOURCES[resource].operations[operation].execute.call(ctx as never, items);
}
