import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as getAttributes from './getAttributes.operation';
import * as updateAttributes from './updateAttributes.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['customer'] } },
	options: [
		{
			name: 'Get Attributes',
			value: 'getAttributes',
			description: "Get a customer's attributes",
			action: 'Get customer attributes',
		},
		{
			name: 'Update Attributes',
			value: 'updateAttributes',
			description: 'Update up to 10 attributes per customer (one customer per item), sent 1,000 customers per call',
			action: 'Update customer attributes',
		},
	],
	default: 'updateAttributes',
};

export const customer: ResourceModule = { operationProperty, operations: { getAttributes, updateAttributes } };
