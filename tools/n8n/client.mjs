// The client of a running n8n: the editor's REST API (/rest/…, the owner's session cookie) and the
// public API (/api/v1/…, the API key) — signing in, API keys, credentials, workflows, publication,
// manual runs and executions. tools/n8n/process.mjs runs the n8n; tools/n8n/index.mjs puts the two
// together (startN8n).
import { createRequire } from 'node:module';
import path from 'node:path';
import { N8N_PROFILE, OWNER } from './profiles.mjs';
import { waitFor } from './wait.mjs';

const BROWSER_ID = 'optimove-e2e-browser';

/** One HTTP call with a JSON body → the response, its text and its parsed body (the text when not JSON). */
async function request(url, method, body, headers, timeoutMs = 120_000) {
	const res = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = text;
	}
	return { res, text, json };
}

/**
 * The editor's internal API (/rest/…) with a session cookie of its own, which n8n binds to the
 * `browser-id` header: `rest(method, path, body, { prefix })` → the answer's `data`; `rest.forgetSession()`
 * drops the cookie. `baseUrl` is a
 * URL or a function giving it (a harness learns its port only once the process runs).
 */
export function editorSession(baseUrl, { browserId = BROWSER_ID, timeoutMs } = {}) {
	const base = typeof baseUrl === 'function' ? baseUrl : () => baseUrl;
	const cookies = new Map();
	async function rest(method, urlPath, body, { prefix = '/rest' } = {}) {
		const headers = { 'browser-id': browserId, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
		const { res, text, json } = await request(`${base()}${prefix}${urlPath}`, method, body, headers, timeoutMs);
		for (const header of res.headers.getSetCookie?.() ?? []) {
			const [pair] = header.split(';');
			const eq = pair.indexOf('=');
			cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
		}
		if (!res.ok) throw Object.assign(new Error(`REST ${method} ${urlPath} → ${res.status}: ${text.slice(0, 800)}`), { status: res.status, body: json });
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}
	/** Drops the session cookie (signing in again, e.g. after a restart). */
	rest.forgetSession = () => cookies.clear();
	return rest;
}

/**
 * A client for the n8n at `baseUrl()` (a function: the port is only known once the process runs).
 * `handle` is the object the members end up on: they read its
 * `apiKey` and call one another through it. `n8nDir`: the n8n install, for its API-key scopes.
 * → `{ login, createApiKey, members }`: `members` are the handle's API methods.
 */
export function n8nClient(handle, { baseUrl, n8nDir }) {
	/** A call to the editor's internal API (/rest/…) with the signed-in owner's cookie; returns `data`. */
	const rest = editorSession(baseUrl);

	/** A call to the public API (/api/v1/…) with the API key; returns the parsed body. */
	async function api(method, urlPath, body) {
		const { res, text, json } = await request(`${baseUrl()}/api/v1${urlPath}`, method, body, { 'X-N8N-API-KEY': handle.apiKey });
		if (!res.ok) throw Object.assign(new Error(`API ${method} ${urlPath} → ${res.status}: ${text.slice(0, 800)}`), { status: res.status, body: json });
		return json;
	}

	/**
	 * Signs the owner in. Without an owner from env (1.x) the owner is set up first, once; there
	 * readiness answers before the REST routes exist, so a 404 means "not yet".
	 */
	async function login({ setUpOwner = false } = {}) {
		rest.forgetSession();
		const untilRoutes = (call, what) =>
			waitFor(
				() =>
					call().then(
						() => true,
						(error) => {
							if (error.status !== 404) error.fatal = true;
							throw error;
						},
					),
				{ timeoutMs: 60_000, what },
			);
		if (setUpOwner && !N8N_PROFILE.ownerFromEnv) {
			const { email, password, firstName, lastName } = OWNER;
			await untilRoutes(() => rest('POST', '/owner/setup', { email, password, firstName, lastName }), 'POST /rest/owner/setup');
		}
		await untilRoutes(() => rest('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password }), 'POST /rest/login');
	}

	async function createApiKey() {
		// Every scope this owner may give a key (2.41.1: 102, incl. credential:read, which
		// OWNER_API_KEY_SCOPES lacks and POST /api/v1/credentials/{id}/test needs).
		let scopes;
		try {
			scopes = await rest('GET', '/api-keys/scopes');
		} catch {
			scopes = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'))('@n8n/permissions').OWNER_API_KEY_SCOPES;
		}
		const created = await rest('POST', '/api-keys', { label: `e2e-${Date.now()}`, expiresAt: null, scopes });
		return created.rawApiKey ?? created.apiKey;
	}

	const members = {
		api,
		rest,
		/** What the editor loads: every node type n8n registered (`/types/nodes.json`, no auth). */
		nodeTypes: () => rest('GET', '/types/nodes.json', undefined, { prefix: '' }),
		/** Every credential type n8n registered (`/types/credentials.json`, no auth). */
		credentialTypes: () => rest('GET', '/types/credentials.json', undefined, { prefix: '' }),
		/** Production URL of a published Webhook-style trigger: `${baseUrl}/webhook/<path>`. */
		webhookUrl: (webhookPath) => `${baseUrl()}/webhook/${webhookPath}`,
		/** POST /api/v1/credentials; community types work; `data` must match the type's schema. */
		async createCredential({ name, type, data }) {
			const defaults = Object.entries(N8N_PROFILE.credentialDefaults).filter(([field]) => !(field in data));
			const schema = defaults.length ? (await api('GET', `/credentials/schema/${type}`)).properties : {};
			const filled = { ...Object.fromEntries(defaults.filter(([field]) => field in schema)), ...data };
			return (await api('POST', '/credentials', { name, type, data: filled })).id;
		},
		/**
		 * Tests a stored credential → `{ status: 'OK'|'Error', message }`: POST /api/v1/credentials/{id}/test,
		 * or where the public API has none (1.x) the editor's POST /rest/credentials/test with the
		 * stored (redacted) data, which n8n completes from the database.
		 */
		async testCredential(id) {
			if (N8N_PROFILE.credentialTestApi === 'public') return api('POST', `/credentials/${id}/test`);
			const { name, type, data } = await rest('GET', `/credentials/${id}?includeData=true`);
			return rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
		},
		/** POST /api/v1/workflows (only name, nodes, connections, settings are accepted). */
		async createWorkflow(workflow) {
			const { name, nodes, connections, settings } = workflow;
			return (await api('POST', '/workflows', { name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } })).id;
		},
		/** Publishes (1.x: activates) a workflow through the public API. */
		publish: (id) => api('POST', `/workflows/${id}/${N8N_PROFILE.publish}`),
		/** Unpublishes (1.x: deactivates) a workflow through the public API. */
		unpublish: (id) => api('POST', `/workflows/${id}/${N8N_PROFILE.unpublish}`),
		/**
		 * What the editor shows of the workflow's publication (publication service only): GET
		 * /rest/workflows/{id}/publication-status → `{ status: 'in_progress'|'published'|'partial'|'failed'|
		 * 'not_published', liveVersionId, pendingVersionId, triggers: [{ nodeId, status, errorMessage }] }`.
		 */
		publicationStatus: (id) => rest('GET', `/workflows/${id}/publication-status`),
		/**
		 * With n8n's default publication: waits until no publication of the workflow is in flight (n8n
		 * queues it in the publish call itself, so right after publish() it is `in_progress` until the
		 * background pass, retries included, has ended) → publicationStatus().
		 */
		async waitForPublication(id, { timeoutMs = 60_000 } = {}) {
			return waitFor(
				async () => {
					const state = await handle.publicationStatus(id);
					return state.status === 'in_progress' ? undefined : state;
				},
				{ timeoutMs, what: `the publication of workflow ${id}`, intervalMs: 250 },
			);
		},
		/**
		 * What the editor's "Execute workflow" (or a trigger's "listen for test event") sends:
		 * POST /rest/workflows/{id}/run from the named trigger node → n8n's answer
		 * (`{ executionId }`, or `{ waitingForWebhook: true }`).
		 */
		async startRun(id, { trigger }) {
			const workflowData = N8N_PROFILE.manualRunSendsWorkflow ? await rest('GET', `/workflows/${id}`) : undefined;
			return rest('POST', `/workflows/${id}/run`, { ...(workflowData && { workflowData }), triggerToStartFrom: { name: trigger } });
		},
		/**
		 * Starts a manual run of a saved workflow from one of its trigger nodes (what the editor's
		 * "Execute workflow" does) → executionId. Default trigger: the first node whose type ends in
		 * `manualTrigger`. Works for unpublished workflows.
		 */
		async run(id, { trigger } = {}) {
			let name = trigger;
			if (!name) {
				const workflow = await api('GET', `/workflows/${id}`);
				name = workflow.nodes.find((n) => /manualTrigger$/i.test(n.type))?.name;
				if (!name) throw new Error(`workflow ${id} has no Manual Trigger: pass { trigger: '<node name>' }`);
			}
			const result = await handle.startRun(id, { trigger: name });
			if (!result?.executionId) throw new Error(`manual run of ${id} started no execution: ${JSON.stringify(result)}`);
			return String(result.executionId);
		},
		/** run() and wait until that execution finished; returns it with its data. */
		async execute(id, { trigger, timeoutMs = 60_000 } = {}) {
			const executionId = await handle.run(id, { trigger });
			return handle.waitForExecution(executionId, { timeoutMs });
		},
		/** GET /api/v1/executions/{id}. */
		execution: (executionId, { includeData = true } = {}) => api('GET', `/executions/${executionId}?includeData=${includeData}`),
		async waitForExecution(executionId, { timeoutMs = 60_000 } = {}) {
			return waitFor(
				async () => {
					const execution = await handle.execution(executionId).catch((error) => {
						if (error.status === 404) return undefined; // not saved yet
						throw error;
					});
					return execution && (execution.finished || execution.stoppedAt) ? execution : undefined;
				},
				{ timeoutMs, what: `execution ${executionId}`, intervalMs: 200 },
			);
		},
		/** Every execution of a workflow, newest first (all pages). */
		async executions(workflowId, { includeData = false, status, limit = 250 } = {}) {
			const all = [];
			let cursor;
			do {
				const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: String(limit) });
				if (status) query.set('status', status);
				if (cursor) query.set('cursor', cursor);
				const page = await api('GET', `/executions?${query}`);
				all.push(...page.data);
				cursor = page.nextCursor;
			} while (cursor);
			return all;
		},
		/** Waits until at least `count` executions of the workflow finished; returns the finished ones. */
		async waitForExecutions(workflowId, count, { timeoutMs = 60_000, includeData = true } = {}) {
			return waitFor(
				async () => {
					const list = await handle.executions(workflowId, { includeData });
					const done = list.filter((e) => e.finished || e.stoppedAt);
					return done.length >= count ? done : undefined;
				},
				{ timeoutMs, what: `${count} execution(s) of workflow ${workflowId}`, intervalMs: 500 },
			);
		},
	};
	return { login, createApiKey, members };
}
