import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as reportRedemption from './reportRedemption.operation';
import * as validateCustomers from './validateCustomers.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['promotion'] } },
	options: [
		{
			name: 'Report Redemption',
			value: 'reportRedemption',
			description: 'Report rewards customers redeemed (one per item, 100 per call; assumed route)',
			action: 'Report a redemption',
		},
		{
			name: 'Validate Customers',
			value: 'validateCustomers',
			description: 'Check which customers a promotion code applies to and what reward each gets (one customer per item)',
			action: 'Validate customers for a promotion',
		},
	],
	default: 'validateCustomers',
};

export const promotion: ResourceModule = { operationProperty, operations: { reportRedemption, validateCustomers } };
