import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import type { ApiGroup } from './routes';
import { API_GROUPS } from './groups';

export interface FailureDetails {
	routeName: string;
	/** The API group of the route: says which credential and field a hint must name. */
	group: ApiGroup;
	status?: number;
	body?: unknown;
	networkCode?: string;
	attempts: number;
	host: string;
	itemIndex?: number;
	secrets: string[];
}

/** Optimove answers errors as `{message}`, `{Message}`, `{error}`, a bare JSON string or nothing. */
export function optimoveMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['message', 'Message', 'error_description', 'error', 'title']) {
			const value = record[key];
			if (typeof value === 'string' && value.trim()) return value.trim();
		}
	}
	return undefined;
}

/** Replaces every secret occurrence, so no key, token or signing secret reaches an error or log. */
export function redact(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) out = out.split(secret).join('***');
	}
	return out;
}

function hintFor(details: FailureDetails): { message: string; hint: string } {
	const { status, networkCode, attempts, routeName, host } = details;
	const group = API_GROUPS[details.group].help;
	const field = (name: string) => `"${name}" on the ${group.credential} credential`;
	if (networkCode) {
		const hostHint =
			networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN'
				? `The host ${host} does not resolve: check the ${field(group.urlField)}.`
				: `Check the ${field(group.urlField)} (${host}) and that this n8n can reach it.`;
		return {
			message: `Could not reach Optimove (${networkCode}) after ${attempts} attempt(s)`,
			hint: hostHint,
		};
	}
	switch (status) {
		case 401:
			return {
				message: `Optimove rejected the ${group.secretField} (401)`,
				hint: `Check the ${field(group.secretField)}: ${group.unauthorized}.`,
			};
		case 403:
			return details.group === 'events'
				? {
						message: `The Events Token is not allowed to send events to this endpoint (403)`,
						hint: `Check the ${field(group.secretField)}, its Tenant ID and Events Endpoint URL: all three come from Optimove for one tenant.`,
					}
				: {
						message: `The ${group.secretField} lacks permission for ${routeName} (403)`,
						hint: `Integrations (3rd-party) keys reach only listeners, campaign details, channel templates and metrics. Use an admin API key on the ${group.credential} credential for this operation.`,
					};
		case 404:
			return {
				message: `Optimove answered 404 for ${routeName}`,
				hint:
					details.group === 'rest' || details.group === 'realtime'
						? `Check the IDs you passed, and the ${field(group.urlField)} (some tenants need the /current prefix).`
						: `Check the IDs you passed, and the ${field(group.urlField)}.`,
			};
		case 429:
			return {
				message: `Optimove's rate limit was still exceeded after ${attempts} attempt(s) (429)`,
				hint: `Other workflows or systems probably share this ${group.secretField}: ${group.rateSetting}.`,
			};
		default:
			if (status !== undefined && status >= 500) {
				return {
					message: `Optimove had a server error (${status}) after ${attempts} attempt(s)`,
					hint: 'This is on Optimove\'s side; retry later. Nothing from this request was accepted.',
				};
			}
			return {
				message: `Optimove rejected the request to ${routeName} (${status ?? 'no status'})`,
				hint: 'Optimove refused the request as sent: check the fields named in its message.',
			};
	}
}

export function optimoveApiError(node: INode, details: FailureDetails): NodeApiError {
	const { message, hint } = hintFor(details);
	const remote = optimoveMessage(details.body);
	const clean = (text: string) => redact(text, details.secrets);
	const description = clean(remote ? `Optimove says: ${remote}. ${hint}` : hint);
	const response: JsonObject = {
		message: clean(message),
		routeName: details.routeName,
		attempts: details.attempts,
	};
	if (details.status !== undefined) response.httpCode = String(details.status);
	if (details.networkCode) response.networkError = details.networkCode;
	const error = new NodeApiError(node, response, {
		message: clean(message),
		description,
		httpCode: details.status !== undefined ? String(details.status) : undefined,
		itemIndex: details.itemIndex,
	});
	// NodeApiError swaps messages that mention a network code for a generic text; ours names the
	// host and the attempts, so it is set again after construction.
	error.message = clean(message);
	return error;
}
