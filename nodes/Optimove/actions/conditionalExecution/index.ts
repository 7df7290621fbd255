import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';

// Placeholder until the resource's operations land.
const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['conditionalExecution'] } },
	options: [],
	default: '',
};

export const conditionalExecution: ResourceModule = { operationProperty, operations: {} };
