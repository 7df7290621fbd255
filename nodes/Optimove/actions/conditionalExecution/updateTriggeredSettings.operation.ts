import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';
import { masked } from './triggeredSettings';

const properties: INodeProperties[] = [
	{
		displayName: 'Timeout (Ms)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5000,
		description:
			'How long Optimove waits for an approval after a triggered notification (tenant-wide); customers not approved in time count as rejected',
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			'Tenant-wide HMAC secret Optimove signs notifications with; enter the same value as Webhook Secret on the credential. Empty: leave the secret unchanged.',
	},
];

export const updateTriggeredSettings: Operation = {
	value: 'updateTriggeredSettings',
	name: 'Update Triggered Settings',
	action: 'Update triggered settings',
	description: "Set the tenant's approval timeout and signing secret",
	properties,
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const timeout = this.getNodeParameter('timeout', itemIndex) as number;
			const secret = this.getNodeParameter('secret', itemIndex, '') as string;
			const body: IDataObject = { timeout };
			if (secret) body.secret = secret;
			// The transport keeps the secret out of any error, as it does the credential's.
			const response = await optimoveRequest.call(this, { route: 'updateWebhookSettings', body, itemIndex, secrets: [secret] });
			return masked(response.body && typeof response.body === 'object' ? response.body : body);
		});
	},
};
