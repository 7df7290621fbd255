import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

const MASK = '********';

/** Settings as output: the secret is never shown, only whether one is set. */
export function masked(body: unknown): IDataObject {
	const settings = body && typeof body === 'object' ? (body as IDataObject) : {};
	const secretSet = typeof settings.secret === 'string' && settings.secret !== '';
	return { ...settings, secret: secretSet ? MASK : null, secretSet };
}

/** Removes a secret the user typed from an error Optimove may have echoed it in. */
export function redacted(error: unknown, secret: string): unknown {
	if (!secret || !(error instanceof NodeApiError || error instanceof NodeOperationError)) return error;
	const scrub = (text?: string | null) => (text ? text.split(secret).join(MASK) : text);
	error.message = scrub(error.message) as string;
	error.description = scrub(error.description) ?? null;
	return error;
}
