import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { readInteger, readNumber, readText } from '../itemValues';
import { writeInBatches } from '../runner';
import type { OperationModule } from '../types';
import { channelIdField, templateIdField, templateNameField } from './fields';

/** Optimove takes at most this many templates or metrics per call. */
export const CHANNEL_ENTRIES_PER_CALL = 100;

const fromItems: INodeProperties = { ...channelIdField, description: `${channelIdField.description} Read per item.` };

export const addTemplates: OperationModule = {
	description: [fromItems, templateIdField, templateNameField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: CHANNEL_ENTRIES_PER_CALL,
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

export const deleteTemplates: OperationModule = {
	description: [fromItems, templateIdField],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: CHANNEL_ENTRIES_PER_CALL,
			read: (i) => ({
				ChannelID: readInteger(this, i, 'channelId', 'Channel'),
				TemplateID: readInteger(this, i, 'templateId', 'Template ID'),
			}),
			request: (templates) => ({ route: 'deleteChannelTemplates', body: templates }),
			output: (t) => ({ channelId: t.ChannelID, templateId: t.TemplateID, deleted: true }),
		});
	},
};

const metricFields: INodeProperties[] = [
	fromItems,
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '={{ $json.CampaignID }}',
	},
	{ ...templateIdField, description: 'The template the metric is about' },
	{
		displayName: 'Metric ID',
		name: 'metricId',
		type: 'string',
		required: true,
		default: '={{ $json.MetricID }}',
		description: 'The metric, e.g. Sent, Delivered, Opened, Clicked, Unsubscribed',
	},
	{
		displayName: 'Metric Value',
		name: 'metricValue',
		type: 'number',
		required: true,
		default: 0,
	},
];

export const reportMetrics: OperationModule = {
	description: metricFields,
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: CHANNEL_ENTRIES_PER_CALL,
			read: (i) => ({
				ChannelID: readInteger(this, i, 'channelId', 'Channel'),
				CampaignID: readInteger(this, i, 'campaignId', 'Campaign ID'),
				TemplateID: readInteger(this, i, 'templateId', 'Template ID'),
				MetricID: readText(this, i, 'metricId', 'Metric ID'),
				MetricValue: readNumber(this, i, 'metricValue', 'Metric Value'),
			}),
			request: (metrics) => ({ route: 'updateCampaignMetrics', body: metrics }),
			output: (m) => ({ ...m, reported: true }),
		});
	},
};
