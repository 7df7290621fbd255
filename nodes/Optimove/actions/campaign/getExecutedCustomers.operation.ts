import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Operation } from '../types';
import type { CustomerListSpec } from './customerList';
import { customerListProperties, readCustomerList } from './customerList';

const list: CustomerListSpec = { route: 'getCustomerExecutionDetailsByCampaign', channel: true, attributes: true };

export const getExecutedCustomers: Operation = {
	value: 'getExecutedCustomers',
	name: 'Get Executed Customers',
	action: 'Get executed customers of a campaign',
	description: 'Get the customers a channel executes a campaign for, with template and attributes (after a type 1 or 13 notification)',
	properties: customerListProperties(list),
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return readCustomerList(this, items, list);
	},
};
