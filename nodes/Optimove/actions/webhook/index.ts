import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import { create, get, getMany, remove } from './operations';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['webhook'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Register a URL for triggered conditional-execution notifications', action: 'Create a webhook' },
		{ name: 'Delete', value: 'delete', description: 'Delete a webhook', action: 'Delete a webhook' },
		{ name: 'Get', value: 'get', description: 'Get a webhook', action: 'Get a webhook' },
		{ name: 'Get Many', value: 'getMany', description: 'List many webhooks of the tenant', action: 'Get many webhooks' },
	],
	default: 'getMany',
};

export const webhook: ResourceModule = { operationProperty, operations: { create, delete: remove, get, getMany } };
