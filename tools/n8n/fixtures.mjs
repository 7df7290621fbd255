// Credentials and workflow building blocks shared by the e2e suites, benchmarks and `npm start`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
export const SANDBOX_API_KEY = 'sandbox-api-key';

/** Creates the package's credentials in n8n, pointing at the sandbox. Returns `{ name: {id, name} }`. */
export async function createCredentials(n8n, sandbox, overrides = {}) {
	const config = sandbox.getConfig?.() ?? {};
	const specs = {
		optimoveApi: {
			name: 'Optimove (sandbox)',
			type: 'optimoveApi',
			data: {
				baseUrl: sandbox.url,
				apiKey: SANDBOX_API_KEY,
				webhookSecret: config.webhookSecret ?? 'sandbox-webhook-secret',
				promotionsBaseUrl: `${sandbox.url}/promotions`,
				restRateLimit: 50,
				realtimeRateLimit: 0,
				...overrides.optimoveApi,
			},
		},
		wrongKey: {
			name: 'Optimove (wrong key)',
			type: 'optimoveApi',
			data: { baseUrl: sandbox.url, apiKey: 'not-the-right-key', webhookSecret: '', promotionsBaseUrl: '', restRateLimit: 50, realtimeRateLimit: 0 },
		},
		optimoveEventsApi: {
			name: 'Optimove events (sandbox)',
			type: 'optimoveEventsApi',
			data: {
				endpointUrl: `${sandbox.url}/reportServer`,
				tenantId: config.tenantId ?? 1234,
				eventsToken: config.eventsToken ?? 'sandbox-events-token',
				...overrides.optimoveEventsApi,
			},
		},
	};
	const out = {};
	for (const [key, spec] of Object.entries(specs)) out[key] = { id: await n8n.createCredential(spec), name: spec.name, type: spec.type };
	return out;
}

let counter = 0;
/** A node of a workflow; `credential` is one entry of createCredentials(). */
export function node(name, type, parameters, { credential, typeVersion = 1, webhookId, position, extra = {} } = {}) {
	counter++;
	return {
		id: `node-${counter}`,
		name,
		type,
		typeVersion,
		position: position ?? [counter * 220, 0],
		parameters,
		...(webhookId ? { webhookId } : {}),
		...(credential ? { credentials: { [credential.type]: { id: credential.id, name: credential.name } } } : {}),
		...extra,
	};
}

/** n8n's Webhook node answering with the last node's items (all entries). */
export function webhookNode(pathName, { responseMode = 'lastNode' } = {}) {
	return node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: pathName, responseMode, responseData: 'allEntries', options: {} }, { typeVersion: 2, webhookId: pathName });
}

/** Connections for a straight chain of node names. */
export function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}

export async function postJson(url, body) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = text;
	}
	return { status: res.status, body: json };
}

/** The error message of the last node run that failed in an execution (includeData). */
export function executionError(execution) {
	const error = execution?.data?.resultData?.error;
	return error ? { message: error.message, description: error.description } : undefined;
}

/** The example workflows in examples/, in file order, each with its file name. */
export function readExamples() {
	return readdirSync(EXAMPLES)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, ...JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) }));
}

/** The sandbox address the example workflows' placeholder HTTP Request nodes are written with. */
export const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:5680';

/**
 * Points every Optimove node of a workflow at the credentials created for this run and, with
 * `sandboxUrl`, the examples' placeholder HTTP Request nodes (the channel provider stand-in) at the
 * sandbox actually running.
 */
/** The n8n the examples' own URLs assume (`npm start`'s default port); replaced by the running one's. */
export const EXAMPLE_N8N_URL = 'http://127.0.0.1:5678';

export function attachCredentials(workflow, credentials, { sandboxUrl, n8nUrl } = {}) {
	const nodes = workflow.nodes.map((n) => {
		if (n8nUrl && n.parameters?.resource === 'webhook' && String(n.parameters?.url ?? '').startsWith(EXAMPLE_N8N_URL)) {
			n = { ...n, parameters: { ...n.parameters, url: n8nUrl.replace(/\/+$/, '') + n.parameters.url.slice(EXAMPLE_N8N_URL.length) } };
		}
		if (sandboxUrl && n.type === 'n8n-nodes-base.httpRequest' && String(n.parameters?.url ?? '').startsWith(EXAMPLE_SANDBOX_URL)) {
			return { ...n, parameters: { ...n.parameters, url: sandboxUrl.replace(/\/+$/, '') + n.parameters.url.slice(EXAMPLE_SANDBOX_URL.length) } };
		}
		if (!n.type.startsWith('n8n-nodes-optimove.')) return n;
		const events = n.type.endsWith('.optimove') && n.parameters?.resource === 'event';
		const credential = events ? credentials.optimoveEventsApi : credentials.optimoveApi;
		return { ...n, credentials: { [credential.type]: { id: credential.id, name: credential.name } } };
	});
	return { ...workflow, nodes };
}
