import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { triggeredWebhooks } from '../../../shared/listeners';
import { limitField, readLimit, returnAllField } from '../common/fields';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

export const getMany: Operation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many webhooks',
	description: 'List many webhooks of the tenant',
	properties: [returnAllField, limitField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
		return perItem(this, items, async (itemIndex) => {
			return (await triggeredWebhooks(this)).slice(0, readLimit(this, itemIndex)).map((hook) => ({ ...hook }));
		});
	},
};
