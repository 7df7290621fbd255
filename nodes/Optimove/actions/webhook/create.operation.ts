import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readText } from '../parameters';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

/** A triggered conditional-execution webhook: Optimove posts every notification to each of them. */
export const create: Operation = {
	value: 'create',
	name: 'Create',
	action: 'Create a webhook',
	description: 'Register a URL for triggered conditional-execution notifications',
	properties: [
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
