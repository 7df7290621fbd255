import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { parseOptionalInstant } from '../../../shared/time';
import { batchLimitOf, clock } from '../../../shared/transport';
import { fieldError, readText } from '../parameters';
import { writeInBatches } from '../pairedOutput';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Promotion ID',
		name: 'promotionId',
		type: 'string',
		required: true,
		default: '',
	},
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '={{ $json.CustomerID }}',
		description: 'The customer who redeemed; numbers are sent as text',
	},
	{
		displayName: 'Redeemed At',
		name: 'timestamp',
		type: 'string',
		default: '',
		description: 'When the reward was redeemed (ISO 8601, "YYYY-MM-DD HH:MM:SS" UTC or epoch). Empty: now.',
	},
];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return writeInBatches(this, items, {
		size: batchLimitOf('reportRedemption'),
		read: (i) => {
			const promotionId = readText(this, i, 'promotionId', 'Promotion ID');
			const customerId = readText(this, i, 'customerId', 'Customer ID');
			const { at, error } = parseOptionalInstant(this.getNodeParameter('timestamp', i, ''));
			if (error) throw fieldError(this, i, 'Redeemed At', error);
			return { promotionId, customerId, timestamp: new Date(at ?? clock.now()).toISOString() };
		},
		request: (redemptions) => ({ route: 'reportRedemption', body: redemptions }),
		output: (r) => ({ ...r, reported: true }),
	});
}

export const reportRedemption: Operation = {
	value: 'reportRedemption',
	name: 'Report Redemption',
	action: 'Report a redemption',
	description: 'Report rewards customers redeemed (one per item, 100 per call; assumed route)',
	properties,
	execute,
};
