import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { batchLimitOf } from '../../../shared/transport';
import { readInteger, readNumber, readText } from '../parameters';
import { writeInBatches } from '../pairedOutput';
import type { Operation } from '../types';
import { channelPerItemField, templateIdField } from './fields';

const properties: INodeProperties[] = [
	channelPerItemField,
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

export const reportMetrics: Operation = {
	value: 'reportMetrics',
	name: 'Report Campaign Metrics',
	action: 'Report campaign metrics',
	description: 'Report engagement metrics of executed campaigns (one per item), 100 per call',
	properties,
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return writeInBatches(this, items, {
			size: batchLimitOf('updateCampaignMetrics'),
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
