import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as getLastDataUpdate from './getLastDataUpdate.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'Get Last Data Update',
			value: 'getLastDataUpdate',
			description: "Get the date of the tenant's last daily data update",
			action: 'Get last data update',
		},
	],
	default: 'getLastDataUpdate',
};

export const account: ResourceModule = {
	operationProperty,
	operations: { getLastDataUpdate },
};
