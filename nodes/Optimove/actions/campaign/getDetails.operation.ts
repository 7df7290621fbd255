import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readInteger } from '../parameters';
import { perItem } from '../pairedOutput';
import { campaignIdField } from '../common/fields';
import type { Operation } from '../types';

const properties: INodeProperties[] = [campaignIdField];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const campaignId = readInteger(this, itemIndex, 'campaignId', 'Campaign ID');
		const { body } = await optimoveRequest.call(this, {
			route: 'getCampaignDetails',
			query: { CampaignID: campaignId },
			itemIndex,
		});
		const details = body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : { details: body as IDataObject[string] };
		return { CampaignID: campaignId, ...details };
	});
}

export const getDetails: Operation = {
	value: 'getDetails',
	name: 'Get Details',
	action: 'Get campaign details',
	description: "Get a campaign's details: target group, type, duration, channels, tags",
	properties,
	execute,
};
