import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { account } from './account';
import type { ResourceModule } from './types';

/** Resource name → its module. Adding a resource is one line here and one in RESOURCE_OPTIONS. */
export const RESOURCES: Record<string, ResourceModule> = {
	account,
};

export const RESOURCE_OPTIONS = [{ name: 'Account', value: 'account' }];

/** Shows each operation's fields only for its resource and operation. */
export function resourceProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const [resource, module] of Object.entries(RESOURCES)) {
		properties.push(module.operationProperty);
		for (const [operation, op] of Object.entries(module.operations)) {
			for (const property of op.description) {
				const show = { ...(property.displayOptions?.show ?? {}), resource: [resource], operation: [operation] };
				properties.push({ ...property, displayOptions: { ...property.displayOptions, show } });
			}
		}
	}
	return properties;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = RESOURCES[resource]?.operations[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	return [await op.execute.call(this, items)];
}
