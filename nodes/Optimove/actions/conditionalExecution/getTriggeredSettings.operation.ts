import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';
import { masked } from './triggeredSettings';

export const getTriggeredSettings: Operation = {
	value: 'getTriggeredSettings',
	name: 'Get Triggered Settings',
	action: 'Get triggered settings',
	description: "Get the tenant's triggered conditional-execution settings (the secret is masked)",
	properties: [],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const { body } = await optimoveRequest.call(this, { route: 'getWebhookSettings', itemIndex });
			return masked(body);
		});
	},
};
