import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

export const getChannels: Operation = {
	value: 'getChannels',
	name: 'Get Channels',
	action: 'Get execution channels',
	description: "List the tenant's execution channels",
	properties: [],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const { body } = await optimoveRequest.call(this, { route: 'getExecutionChannels', itemIndex });
			const rows = Array.isArray(body) ? (body as IDataObject[]) : [];
			// Tenants spell the ID ChannelID or ChannelId.
			return rows.map(({ ChannelId, ...row }) => ({ ...row, ChannelID: row.ChannelID ?? ChannelId }));
		});
	},
};
