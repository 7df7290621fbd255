// Which n8n the harness runs and what differs between its majors (N8N_PROFILES), the package's name
// and the instance owner: the constants tools/n8n/process.mjs and tools/n8n/client.mjs share.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The n8n each major is tested on: 2.x by default, 1.x with `N8N_VERSION=1.123.81` (`run.mjs --n8n1`). */
export const N8N_VERSIONS = { 2: '2.41.1', 1: '1.123.81' };
export const N8N_VERSION = process.env.N8N_VERSION || N8N_VERSIONS[2];
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
/**
 * What differs between the n8n majors the harness drives, in one place (docs: real-n8n.md, checked
 * against each version's source). Suites read it as `ctx.n8n.profile`.
 * - `env`: 1.x's isolated-vm has no build for the Node 20 it runs on, hence the legacy expression
 *   engine; 1.x refuses to start with an unknown module in N8N_DISABLED_MODULES.
 * - `ownerFromEnv`: 2.17+ takes the owner from N8N_INSTANCE_OWNER_*; 1.x needs POST /rest/owner/setup.
 * - `publish`/`unpublish`: the public API's words for it (/api/v1/workflows/{id}/<word>).
 * - `credentialTestRejected`: what a failing credential test may show: the credential's own rule
 *   message (2.x, 1.85), or n8n 1.123's generic 401 text, which it shows instead.
 * - `credentialTestApi`: 1.x's public API has no /credentials/{id}/test; the editor's
 *   POST /rest/credentials/test tests the stored data there.
 * - `manualRunSendsWorkflow`: 1.x's POST /rest/workflows/{id}/run wants the workflow in the body.
 * - `credentialDefaults`: values createCredential() adds where the type's public schema has the
 *   field: n8n 1.1xx gives credentials that authenticate an "Allowed HTTP Request Domains" option,
 *   and its schema check then demands `allowedDomains` unless the option is set (to the editor's
 *   default, 'all').
 */
export const N8N_PROFILES = {
	1: {
		env: { N8N_EXPRESSION_ENGINE: 'legacy', N8N_DISABLED_MODULES: '' },
		ownerFromEnv: false,
		publish: 'activate',
		unpublish: 'deactivate',
		credentialTestRejected: /API key|^Authorization failed - please check your credentials$/,
		credentialTestApi: 'rest',
		manualRunSendsWorkflow: true,
		credentialDefaults: { allowedHttpRequestDomains: 'all' },
		/** Activating an active workflow again changes nothing (2.x re-publishes: delete, then create). */
		republishReregisters: false,
	},
	2: {
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
		ownerFromEnv: true,
		publish: 'publish',
		unpublish: 'unpublish',
		credentialTestRejected: /API key/i,
		credentialTestApi: 'public',
		manualRunSendsWorkflow: false,
		credentialDefaults: {},
		republishReregisters: true,
	},
};
export const N8N_PROFILE = N8N_PROFILES[N8N_MAJOR >= 2 ? 2 : 1];
export const PACKAGE_NAME = 'n8n-nodes-optimove';
export const OWNER = { email: 'owner@example.test', password: 'Test-Pass-123', firstName: 'Test', lastName: 'Owner' };
