import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as getMany from './getMany.operation';
import * as register from './register.operation';
import * as unregister from './unregister.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['eventListener'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'List many registered listeners and whether each points at this n8n',
			action: 'Get many event listeners',
		},
		{ name: 'Register', value: 'register', description: 'Register a URL for an event type (and channel)', action: 'Register an event listener' },
		{ name: 'Unregister', value: 'unregister', description: "Remove a slot's listener, only if it is yours", action: 'Unregister an event listener' },
	],
	default: 'getMany',
};

export const eventListener: ResourceModule = { operationProperty, operations: { getMany, register, unregister } };
