import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import { customerListOperation } from './customerList';
import * as getDetails from './getDetails.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['campaign'] } },
	options: [
		{
			name: 'Get Canceled Customers',
			value: 'getCanceledCustomers',
			description: 'Get the customers of a canceled campaign (readable for 2 hours after the cancellation)',
			action: 'Get canceled customers of a campaign',
		},
		{
			name: 'Get Details',
			value: 'getDetails',
			description: "Get a campaign's details: target group, type, duration, channels, tags",
			action: 'Get campaign details',
		},
		{
			name: 'Get Executed Customers',
			value: 'getExecutedCustomers',
			description:
				'Get the customers a channel executes a campaign for, with template and attributes (after a type 1 or 13 notification)',
			action: 'Get executed customers of a campaign',
		},
		{
			name: 'Get Processed Customers',
			value: 'getProcessedCustomers',
			description: "Get a processed campaign's target group, e.g. to review it for conditional execution",
			action: 'Get processed customers of a campaign',
		},
	],
	default: 'getProcessedCustomers',
};

export const campaign: ResourceModule = {
	operationProperty,
	operations: {
		getCanceledCustomers: customerListOperation({ route: 'getCanceledCampaignCustomers', channel: false, attributes: false }),
		getDetails,
		getExecutedCustomers: customerListOperation({
			route: 'getCustomerExecutionDetailsByCampaign',
			channel: true,
			attributes: true,
		}),
		getProcessedCustomers: customerListOperation({
			route: 'getProcessedCampaignCustomers',
			channel: false,
			attributes: true,
		}),
	},
};
