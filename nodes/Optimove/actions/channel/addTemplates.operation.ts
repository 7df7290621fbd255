import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { batchLimitOf } from '../../../shared/transport';
import { readInteger, readText } from '../parameters';
import { writeInBatches } from '../pairedOutput';
import type { Operation } from '../types';
import { channelPerItemField, templateIdField, templateNameField } from './fields';

export const addTemplates: Operation = {
	value: 'addTemplates',
	name: 'Add Templates',
	action: 'Add channel templates',
	description: 'Register templates (one per item) so marketers can pick them in Optimove, sent 100 per call',
	properties: [channelPerItemField, templateIdField, templateNameField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: batchLimitOf('addChannelTemplates'),
			read: (i) => ({
				ChannelID: readInteger(this, i, 'channelId', 'Channel'),
				TemplateID: readInteger(this, i, 'templateId', 'Template ID'),
				TemplateName: readText(this, i, 'templateName', 'Template Name'),
			}),
			groupBy: (t) => t.ChannelID,
			request: (templates) => ({
				route: 'addChannelTemplates',
				query: { ChannelID: templates[0].ChannelID },
				body: templates.map(({ TemplateID, TemplateName }) => ({ TemplateID, TemplateName })),
			}),
			output: (t) => ({ channelId: t.ChannelID, templateId: t.TemplateID, templateName: t.TemplateName, added: true }),
		});
	},
};
