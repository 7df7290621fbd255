import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readText } from '../parameters';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';
import { webhookIdField } from './fields';

export const get: Operation = {
	value: 'get',
	name: 'Get',
	action: 'Get a webhook',
	description: 'Get a webhook',
	properties: [webhookIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const id = readText(this, itemIndex, 'webhookId', 'Webhook ID');
			const { body } = await optimoveRequest.call(this, { route: 'getWebhook', pathParams: { id }, itemIndex });
			return body as IDataObject;
		});
	},
};
