import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readInteger } from '../itemValues';
import { perItem } from '../runner';
import type { OperationModule } from '../types';
import { channelIdField } from './fields';

function rows(body: unknown): IDataObject[] {
	return Array.isArray(body) ? (body as IDataObject[]) : [];
}

export const getChannels: OperationModule = {
	description: [],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const { body } = await optimoveRequest.call(this, { route: 'getExecutionChannels', itemIndex });
			// Tenants spell the ID ChannelID or ChannelId.
			return rows(body).map(({ ChannelId, ...row }) => ({ ...row, ChannelID: row.ChannelID ?? ChannelId }));
		});
	},
};

export const getTemplates: OperationModule = {
	description: [channelIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const channelId = readInteger(this, itemIndex, 'channelId', 'Channel');
			const { body } = await optimoveRequest.call(this, {
				route: 'getChannelTemplates',
				query: { ChannelID: channelId },
				itemIndex,
			});
			return rows(body).map((template) => ({ ChannelID: channelId, ...template }));
		});
	},
};
