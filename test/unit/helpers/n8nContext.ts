import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import { OptimoveApi } from '../../../credentials/OptimoveApi.credentials';
import { OptimoveEventsApi } from '../../../credentials/OptimoveEventsApi.credentials';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	optimoveApi: new OptimoveApi(),
	optimoveEventsApi: new OptimoveEventsApi(),
};

/** Applies a credential type's `authenticate` as n8n does: generic header templates or the function. */
async function authenticate(
	credentials: ICredentialDataDecryptedObject,
	type: string,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const authenticator = CREDENTIAL_TYPES[type].authenticate;
	if (typeof authenticator === 'function') return authenticator(credentials, options);
	const headers: IDataObject = { ...(options.headers ?? {}) };
	for (const [name, template] of Object.entries(authenticator?.properties.headers ?? {})) {
		headers[name] = String(template).replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_, key: string) => String(credentials[key]));
	}
	return { ...options, headers };
}

export const TEST_NODE: INode = {
	id: 'node-1',
	name: 'Optimove',
	type: 'n8n-nodes-optimove.optimove',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface ContextOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	parameters?: Record<string, unknown> | ((name: string, itemIndex: number) => unknown);
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
}

/**
 * A node context whose HTTP goes through n8n-core's real `httpRequestWithAuthentication`
 * (axios underneath, so nock intercepts it) with our credential classes applied.
 */
export function n8nContext(options: ContextOptions = {}) {
	const credentials = options.credentials ?? {};
	const additionalData = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (creds: ICredentialDataDecryptedObject, type: string, request: IHttpRequestOptions) =>
				authenticate(creds, type, request),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const logs: string[] = [];
	const ctx = {
		getNode: () => TEST_NODE,
		getCredentials: async (type: string) => {
			if (!credentials[type]) throw new Error(`no ${type} credential in this test`);
			return { ...credentials[type] };
		},
		getInputData: () => options.items ?? [{ json: {} }],
		getNodeParameter: (name: string, itemIndex = 0, fallback?: unknown) => {
			const params = options.parameters;
			const value = typeof params === 'function' ? params(name, itemIndex) : params?.[name];
			return value === undefined ? fallback : value;
		},
		continueOnFail: () => options.continueOnFail ?? false,
		logger: {
			debug: (m: string) => logs.push(`debug ${m}`),
			info: (m: string) => logs.push(`info ${m}`),
			warn: (m: string) => logs.push(`warn ${m}`),
			error: (m: string) => logs.push(`error ${m}`),
		},
		helpers: {} as Record<string, unknown>,
		logs,
	};
	ctx.helpers.httpRequestWithAuthentication = async function (type: string, request: IHttpRequestOptions) {
		return httpRequestWithAuthentication.call(
			ctx as never,
			type,
			request,
			{} as Workflow,
			TEST_NODE,
			additionalData,
		);
	};
	return ctx;
}

/** Recognisable fake secrets, so tests can assert none leaks. */
export function fakeSecret(label: string): string {
	return `test-${label}-0123456789`;
}

export const REST_CREDENTIALS = {
	optimoveApi: {
		baseUrl: 'https://api4.optimove.test',
		apiKey: fakeSecret('api-key'),
		webhookSecret: fakeSecret('webhook-secret'),
		promotionsBaseUrl: 'https://promotions.optimove.test',
		restRateLimit: 50,
		realtimeRateLimit: 0,
	},
};

/** The Optimove Events API credential's fields used by the event tests. */
export const EVENTS_CREDENTIALS = {
	endpointUrl: 'https://server-1234.optimove.test/reportServer',
	tenantId: 1234,
	eventsToken: fakeSecret('events-token'),
};
