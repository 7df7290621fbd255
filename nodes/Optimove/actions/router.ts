import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { account } from './account';
import { campaign } from './campaign';
import { channel } from './channel';
import { conditionalExecution } from './conditionalExecution';
import { customer } from './customer';
import { event } from './event';
import { eventListener } from './eventListener';
import { promotion } from './promotion';
import type { ResourceModule } from './types';
import { webhook } from './webhook';

/** Resource name → its module: a resource's operations live in its own folder. */
export const RESOURCES: Record<string, ResourceModule> = {
	account,
	campaign,
	channel,
	conditionalExecution,
	customer,
	event,
	eventListener,
	promotion,
	webhook,
};

const RESOURCE_NAMES: Record<string, string> = {
	account: 'Account',
	campaign: 'Campaign',
	channel: 'Channel',
	conditionalExecution: 'Conditional Execution',
	customer: 'Customer',
	event: 'Event',
	eventListener: 'Event Listener',
	promotion: 'Promotion',
	webhook: 'Webhook',
};

/** Only resources with operations are offered: n8n fails to load a node with an empty options list. */
const AVAILABLE = Object.keys(RESOURCES).filter((resource) => Object.keys(RESOURCES[resource].operations).length > 0);

export const RESOURCE_OPTIONS = AVAILABLE.map((value) => ({ name: RESOURCE_NAMES[value], value }));

/** Shows each operation's fields only for its resource and operation. */
export function resourceProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const resource of AVAILABLE) {
		const module = RESOURCES[resource];
		properties.push(module.operationProperty);
		for (const [operation, op] of Object.entries(module.operations)) {
			for (const property of op.properties) {
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
