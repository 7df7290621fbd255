import type { IDataObject } from 'n8n-workflow';

const MASK = '********';

/** Settings as output: the secret is never shown, only whether one is set. */
export function masked(body: unknown): IDataObject {
	const settings = body && typeof body === 'object' ? (body as IDataObject) : {};
	const secretSet = typeof settings.secret === 'string' && settings.secret !== '';
	return { ...settings, secret: secretSet ? MASK : null, secretSet };
}
