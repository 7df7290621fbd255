import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readText } from '../parameters';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';
import { webhookIdField } from './fields';

export const deleteWebhook: Operation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a webhook',
	description: 'Delete a webhook',
	properties: [webhookIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const id = readText(this, itemIndex, 'webhookId', 'Webhook ID');
			await optimoveRequest.call(this, { route: 'deleteWebhook', pathParams: { id }, itemIndex });
			return { id, deleted: true };
		});
	},
};
