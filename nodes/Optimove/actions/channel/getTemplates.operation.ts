import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { channelIdField } from '../common/fields';
import { readInteger } from '../parameters';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

export const getTemplates: Operation = {
	value: 'getTemplates',
	name: 'Get Templates',
	action: 'Get channel templates',
	description: "List a channel's templates",
	properties: [channelIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const channelId = readInteger(this, itemIndex, 'channelId', 'Channel');
			const { body } = await optimoveRequest.call(this, {
				route: 'getChannelTemplates',
				query: { ChannelID: channelId },
				itemIndex,
			});
			const rows = Array.isArray(body) ? (body as IDataObject[]) : [];
			return rows.map((template) => ({ ChannelID: channelId, ...template }));
		});
	},
};
