import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Operation } from '../types';
import type { CustomerListSpec } from './customerList';
import { customerListProperties, readCustomerList } from './customerList';

const list: CustomerListSpec = { route: 'getCanceledCampaignCustomers', channel: false, attributes: false };

export const getCanceledCustomers: Operation = {
	value: 'getCanceledCustomers',
	name: 'Get Canceled Customers',
	action: 'Get canceled customers of a campaign',
	description: 'Get the customers of a canceled campaign (readable for 2 hours after the cancellation)',
	properties: customerListProperties(list),
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return readCustomerList(this, items, list);
	},
};
