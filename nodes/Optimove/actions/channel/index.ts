import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import { getChannels, getTemplates } from './list.operations';
import { addTemplates, deleteTemplates, reportMetrics } from './write.operations';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['channel'] } },
	options: [
		{
			name: 'Add Templates',
			value: 'addTemplates',
			description: 'Register templates (one per item) so marketers can pick them in Optimove, sent 100 per call',
			action: 'Add channel templates',
		},
		{
			name: 'Delete Templates',
			value: 'deleteTemplates',
			description: 'Remove templates (one per item), 100 per call',
			action: 'Delete channel templates',
		},
		{
			name: 'Get Channels',
			value: 'getChannels',
			description: "List the tenant's execution channels",
			action: 'Get execution channels',
		},
		{
			name: 'Get Templates',
			value: 'getTemplates',
			description: "List a channel's templates",
			action: 'Get channel templates',
		},
		{
			name: 'Report Campaign Metrics',
			value: 'reportMetrics',
			description: 'Report engagement metrics of executed campaigns (one per item), 100 per call',
			action: 'Report campaign metrics',
		},
	],
	default: 'getTemplates',
};

export const channel: ResourceModule = {
	operationProperty,
	operations: { addTemplates, deleteTemplates, getChannels, getTemplates, reportMetrics },
};
