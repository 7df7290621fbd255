import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../runner';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const { body } = await optimoveRequest.call(this, { route: 'getLastDataUpdate', itemIndex });
		return { date: (body as { Date?: string } | undefined)?.Date ?? null };
	});
}
