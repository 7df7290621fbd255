import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

const properties: INodeProperties[] = [];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const { body } = await optimoveRequest.call(this, { route: 'getLastDataUpdate', itemIndex });
		return { date: (body as { Date?: string } | undefined)?.Date ?? null };
	});
}

export const getLastDataUpdate: Operation = {
	value: 'getLastDataUpdate',
	name: 'Get Last Data Update',
	action: 'Get last data update',
	description: "Get the date of the tenant's last daily data update",
	properties,
	execute,
};
