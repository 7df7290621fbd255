#!/usr/bin/env node
// One "n8n process" of bench/shared-key.mjs: the built node (dist/) runs Account → Get Last Data
// Update over its items in `--executions` concurrent node runs, through a minimal n8n context whose
// HTTP is n8n-core's own httpRequestWithAuthentication (axios, the credential's authenticate) —
// the same transport code path a worker runs, without the rest of n8n. Prints one JSON line.
//   node bench/shared-key-process.mjs --url <sandbox> --key <api key> --calls 250 [--executions 1]
//        [--share 50] [--start-at <epoch ms>] [--package-dir .]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../scripts/lib/args.mjs';

const args = parseCli({
	url: { type: 'string' },
	key: { type: 'string' },
	calls: { type: 'string', default: '250' },
	executions: { type: 'string', default: '1' },
	share: { type: 'string', default: '50' },
	'start-at': { type: 'string' },
	'package-dir': { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') },
});
const packageDir = path.resolve(args['package-dir']);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromPackage = createRequire(path.join(packageDir, 'package.json'));
const fromRoot = createRequire(path.join(root, 'package.json'));
const { RESOURCES } = fromPackage('./dist/nodes/Optimove/actions/router.js');
const { OptimoveApi } = fromPackage('./dist/credentials/OptimoveApi.credentials.js');
const { httpRequestWithAuthentication } = fromRoot('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication');

const CALLS = Number(args.calls);
const EXECUTIONS = Number(args.executions);
const credentialType = new OptimoveApi();
const credentials = { baseUrl: args.url, apiKey: args.key, webhookSecret: '', promotionsBaseUrl: '', restRateLimit: Number(args.share), realtimeRateLimit: 0 };
const NODE = { id: 'bench', name: 'Optimove', type: 'n8n-nodes-optimove.optimove', typeVersion: 1, position: [0, 0], parameters: {} };
const additionalData = {
	credentialsHelper: {
		getParentTypes: () => [],
		preAuthentication: async () => undefined,
		authenticate: async (creds, _type, request) => credentialType.authenticate(creds, request),
	},
};

/** The context of one node run over `items` (what n8n hands the node's execute()). */
function context(items) {
	const ctx = {
		getNode: () => NODE,
		getCredentials: async () => ({ ...credentials }),
		getInputData: () => items,
		getNodeParameter: (_name, _itemIndex, fallback) => fallback,
		continueOnFail: () => true, // a call that fails for good becomes an error item: counted as lost
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {},
	};
	ctx.helpers.httpRequestWithAuthentication = (type, request) => httpRequestWithAuthentication.call(ctx, type, request, {}, NODE, additionalData);
	return ctx;
}

const startAt = Number(args['start-at'] ?? Date.now());
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const started = Date.now();
const execute = RESOURCES.account.operations.getLastDataUpdate.execute;
const perExecution = Array.from({ length: EXECUTIONS }, (_, e) => Math.floor(CALLS / EXECUTIONS) + (e < CALLS % EXECUTIONS ? 1 : 0));
const outputs = await Promise.all(
	perExecution.map(async (n) => {
		const items = Array.from({ length: n }, () => ({ json: {} }));
		return execute.call(context(items), items);
	}),
);
const finished = Date.now();
const out = outputs.flat();
const lost = out.filter((item) => item.json.error !== undefined);
console.log(
	JSON.stringify({
		calls: CALLS,
		succeeded: out.length - lost.length,
		lost: lost.length,
		errors: [...new Set(lost.map((item) => item.json.error))],
		started,
		finished,
		seconds: (finished - started) / 1000,
	}),
);
