import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { batchLimitOf } from '../../../shared/transport';
import { readInteger } from '../parameters';
import { writeInBatches } from '../pairedOutput';
import type { Operation } from '../types';
import { channelPerItemField, templateIdField } from './fields';

export const deleteTemplates: Operation = {
	value: 'deleteTemplates',
	name: 'Delete Templates',
	action: 'Delete channel templates',
	description: 'Remove templates (one per item), 100 per call',
	properties: [channelPerItemField, templateIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: batchLimitOf('deleteChannelTemplates'),
			read: (i) => ({
				ChannelID: readInteger(this, i, 'channelId', 'Channel'),
				TemplateID: readInteger(this, i, 'templateId', 'Template ID'),
			}),
			request: (templates) => ({ route: 'deleteChannelTemplates', body: templates }),
			output: (t) => ({ channelId: t.ChannelID, templateId: t.TemplateID, deleted: true }),
		});
	},
};
