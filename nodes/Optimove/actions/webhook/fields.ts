import type { INodeProperties } from 'n8n-workflow';

export const webhookIdField: INodeProperties = {
	displayName: 'Webhook ID',
	name: 'webhookId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID Optimove gave the webhook when it was created',
};
