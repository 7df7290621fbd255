import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Operation } from '../types';
import type { CustomerListSpec } from './customerList';
import { customerListProperties, readCustomerList } from './customerList';

const list: CustomerListSpec = { route: 'getProcessedCampaignCustomers', channel: false, attributes: true };

export const getProcessedCustomers: Operation = {
	value: 'getProcessedCustomers',
	name: 'Get Processed Customers',
	action: 'Get processed customers of a campaign',
	description: "Get a processed campaign's target group, e.g. to review it for conditional execution",
	properties: customerListProperties(list),
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return readCustomerList(this, items, list);
	},
};
