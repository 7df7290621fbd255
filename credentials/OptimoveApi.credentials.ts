import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class OptimoveApi implements ICredentialType {
	name = 'optimoveApi';

	displayName = 'Optimove API';

	icon: Icon = { light: 'file:../icons/optimove.svg', dark: 'file:../icons/optimove.dark.svg' };

	documentationUrl = 'https://developer.optimove.com/docs/authentication-guide';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api4.optimove.net',
			placeholder: 'e.g. https://api5.optimove.net or https://api5.optimove.net/current',
			description:
				"Your tenant's Optimove API host. Older tenants may need a version prefix such as /current; paths are appended to it.",
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Sent as the X-API-KEY header. Admin keys reach every operation; Integrations keys only a subset.',
			required: true,
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"The tenant's HMAC secret for triggered conditional execution. The Optimove Trigger verifies every notification with it.",
		},
		{
			displayName: 'Promotions Base URL',
			name: 'promotionsBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://promotions.optimove.net',
			description:
				'Base URL of the Optimove Promotions service, as given by Optimove. Needed only for the Promotion operations.',
		},
		{
			displayName: 'REST Requests per 10 Seconds',
			name: 'restRateLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description:
				"Client-side budget for Optimove's REST API group in each n8n process (Optimove allows 50 per 10 seconds per API key). In queue mode, or when other systems use the key, enter this process's share, e.g. 25 for two workers; without it each process learns its share from Optimove's 429s.",
		},
		{
			displayName: 'Real-Time Requests per Second',
			name: 'realtimeRateLimit',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Client-side budget for the triggered conditional-execution calls (approvals). 0 means no client-side limit: approvals must beat a 5-second deadline.',
		},
	];

	// A function, not a generic `={{$credentials.apiKey}}` header: n8n 2.x resolves a credential
	// expression in a fresh expression isolate per request, which dominated the triggered
	// approval's cost (docs/benchmarks.md, "Triggered conditional execution").
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'X-API-KEY': String(credentials.apiKey) },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/General/GetLastDataUpdate',
			method: 'GET',
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Optimove rejected the API key (401). Check the key in Optimove: Settings > API Keys, and that it was not revoked.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The API key is valid but lacks permission for General/GetLastDataUpdate (403). Integrations keys reach only part of the API; use an admin key for full access.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The host answered 404: the base URL is probably wrong. Use your tenant host, e.g. https://api5.optimove.net (add /current only if your tenant needs it).',
				},
			},
		],
	};
}
