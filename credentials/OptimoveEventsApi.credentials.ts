import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { signatureHeaders } from '../nodes/shared/signature';

/**
 * Optimove's server-side events channel: a per-tenant endpoint, a tenant ID and an events token.
 * The token never travels: it keys the HMAC-SHA256 signature of each request body.
 */
export class OptimoveEventsApi implements ICredentialType {
	name = 'optimoveEventsApi';

	displayName = 'Optimove Events API';

	icon: Icon = { light: 'file:../icons/optimove.svg', dark: 'file:../icons/optimove.dark.svg' };

	documentationUrl = 'https://developer.optimove.com/docs/serverside';

	properties: INodeProperties[] = [
		{
			displayName: 'Events Endpoint URL',
			name: 'endpointUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://server-1234.optimove.net/reportServer',
			description: 'The server-side events endpoint Optimove issued for your tenant',
			required: true,
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'number',
			default: 0,
			description: 'Your numeric Optimove tenant ID, sent in every event',
			required: true,
		},
		{
			displayName: 'Events Token',
			name: 'eventsToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret that signs every request body (HMAC-SHA256). It is never sent itself.',
			required: true,
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const body = typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body ?? []);
		return {
			...requestOptions,
			body,
			headers: {
				...requestOptions.headers,
				'Content-Type': 'application/json',
				...signatureHeaders(String(credentials.eventsToken), body),
			},
		};
	}

	// An empty batch is the cheapest signed request: it proves endpoint and token without sending an event.
	test: ICredentialTestRequest = {
		request: {
			url: '={{$credentials.endpointUrl}}',
			method: 'POST',
			body: '[]',
		},
	};
}
