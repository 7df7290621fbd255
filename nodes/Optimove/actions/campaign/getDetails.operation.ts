import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readInteger } from '../itemValues';
import { perItem } from '../runner';
import { campaignIdField } from './fields';

export const description: INodeProperties[] = [campaignIdField];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
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
