import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { RESOURCE_OPTIONS, resourceProperties, router } from './actions/router';
import { loadOptions } from './methods/loadOptions';

/**
 * Programmatic rather than declarative: operations page through customer lists, chunk and group
 * approvals, batch and sign events, and pair every batch outcome back to its input items.
 */
export class Optimove implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimove',
		name: 'optimove',
		icon: { light: 'file:../../icons/optimove.svg', dark: 'file:../../icons/optimove.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Campaigns, conditional-execution approvals, listeners, customers, promotions and events in Optimove',
		defaults: { name: 'Optimove' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'optimoveApi',
				required: true,
				displayOptions: { hide: { resource: ['event'] } },
			},
			{
				name: 'optimoveEventsApi',
				required: true,
				displayOptions: { show: { resource: ['event'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: RESOURCE_OPTIONS,
				default: 'account',
			},
			...resourceProperties(),
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
