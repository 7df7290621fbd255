import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { triggeredWebhooks } from '../../../shared/listeners';
import { optimoveRequest } from '../../../shared/transport';
import { limitField, returnAllField } from '../campaign/fields';
import { readText } from '../itemValues';
import { perItem } from '../runner';
import type { OperationModule } from '../types';

const webhookIdField: INodeProperties = {
	displayName: 'Webhook ID',
	name: 'webhookId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID Optimove gave the webhook when it was created',
};

/** Triggered conditional-execution webhooks: Optimove posts every notification to each of them. */
export const create: OperationModule = {
	description: [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://n8n.example.com/webhook/…',
			description: 'Where Optimove posts triggered conditional-execution notifications',
		},
	],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const url = readText(this, itemIndex, 'url', 'URL');
			if (!/^https?:\/\//i.test(url)) {
				throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: URL must start with http:// or https://`, { itemIndex });
			}
			const { body } = await optimoveRequest.call(this, { route: 'createWebhook', body: { url }, itemIndex });
			return body as IDataObject;
		});
	},
};

export const get: OperationModule = {
	description: [webhookIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const id = readText(this, itemIndex, 'webhookId', 'Webhook ID');
			const { body } = await optimoveRequest.call(this, { route: 'getWebhook', pathParams: { id }, itemIndex });
			return body as IDataObject;
		});
	},
};

export const getMany: OperationModule = {
	description: [returnAllField, limitField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
			return (await triggeredWebhooks(this)).slice(0, limit).map((hook) => ({ ...hook }));
		});
	},
};

export const remove: OperationModule = {
	description: [webhookIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			const id = readText(this, itemIndex, 'webhookId', 'Webhook ID');
			await optimoveRequest.call(this, { route: 'deleteWebhook', pathParams: { id }, itemIndex });
			return { id, deleted: true };
		});
	},
};
