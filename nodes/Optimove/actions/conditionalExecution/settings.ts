import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { perItem } from '../runner';
import type { OperationModule } from '../types';

const MASK = '********';

/** Settings as output: the secret is never shown, only whether one is set. */
function masked(body: unknown): IDataObject {
	const settings = body && typeof body === 'object' ? (body as IDataObject) : {};
	const secretSet = typeof settings.secret === 'string' && settings.secret !== '';
	return { ...settings, secret: secretSet ? MASK : null, secretSet };
}

/** Removes a secret the user typed from an error Optimove may have echoed it in. */
function redacted(error: unknown, secret: string): unknown {
	if (!secret || !(error instanceof NodeApiError || error instanceof NodeOperationError)) return error;
	const scrub = (text?: string | null) => (text ? text.split(secret).join(MASK) : text);
	error.message = scrub(error.message) as string;
	error.description = scrub(error.description) ?? null;
	return error;
}

export const getTriggeredSettings: OperationModule = {
	description: [],
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const { body } = await optimoveRequest.call(this, { route: 'getWebhookSettings', itemIndex });
			return masked(body);
		});
	},
};

const updateFields: INodeProperties[] = [
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

export const updateTriggeredSettings: OperationModule = {
	description: updateFields,
	async execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		return perItem(this, items, async (itemIndex) => {
			const timeout = this.getNodeParameter('timeout', itemIndex) as number;
			const secret = this.getNodeParameter('secret', itemIndex, '') as string;
			const body: IDataObject = { timeout };
			if (secret) body.secret = secret;
			try {
				const response = await optimoveRequest.call(this, { route: 'updateWebhookSettings', body, itemIndex });
				return masked(response.body && typeof response.body === 'object' ? response.body : body);
			} catch (error) {
				throw redacted(error, secret);
			}
		});
	},
};
