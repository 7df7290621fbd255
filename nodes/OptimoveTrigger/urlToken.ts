import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IHookFunctions } from 'n8n-workflow';
import { urlBase } from '../shared/listeners';

/**
 * The token that makes a registered URL unguessable (listener calls are unsigned). Only its SHA-256
 * is kept in the workflow's static data, which n8n hands to anyone who may read the workflow: the
 * token itself lives in the URL registered at Optimove. A new token is derived (HMAC) from the
 * credential's API key and the workflow, node and URL, so the same registration gets the same URL
 * again after n8n's delete + create of a re-publish; a token already registered is kept, so a
 * rotated key never breaks a registration.
 */
export interface TokenRecord {
	/** SHA-256 (hex) of the token in the registered URL. */
	tokenHash?: string;
	/** Earlier versions kept the token itself; it is replaced by its hash at the next activation. */
	token?: string;
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function tokenUrl(webhookUrl: string, token: string): string {
	return `${webhookUrl}${webhookUrl.includes('?') ? '&' : '?'}token=${token}`;
}

/** The `token` query parameter of a URL. */
export function tokenOf(url: string): string | undefined {
	const match = /[?&]token=([^&#]*)/.exec(url);
	return match ? match[1] : undefined;
}

/** A URL as it may be shown in a log or an error: any token replaced by "…". */
export function redactToken(url: string): string {
	return url.replace(/([?&]token=)[^&#]*/g, '$1…');
}

/** Whether `given` is the token whose hash is on record, compared in constant time. */
export function matchesTokenHash(given: unknown, hash: string | undefined): boolean {
	if (typeof given !== 'string' || given === '' || typeof hash !== 'string' || hash.length !== 64) return false;
	return timingSafeEqual(Buffer.from(hashToken(given), 'hex'), Buffer.from(hash, 'hex'));
}

/** Whether `url` is this webhook URL carrying the token on record. */
export function isOwnTokenUrl(url: string, webhookUrl: string, record: TokenRecord): boolean {
	const token = tokenOf(url);
	return token !== undefined && url === tokenUrl(webhookUrl, token) && matchesTokenHash(token, record.tokenHash);
}

/**
 * Replaces a plain token left by an earlier version with its hash (the registered URL keeps working)
 * and returns it, so a registration made in this same call can still use it.
 */
export function migrateLegacyToken(record: TokenRecord): string | undefined {
	const legacy = typeof record.token === 'string' && record.token !== '' ? record.token : undefined;
	if (legacy && !record.tokenHash) record.tokenHash = hashToken(legacy);
	delete record.token;
	return legacy;
}

async function deriveToken(ctx: IHookFunctions, webhookUrl: string): Promise<string> {
	const credentials = await ctx.getCredentials('optimoveApi');
	const key = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const subject = ['n8n-nodes-optimove url token', ctx.getWorkflow().id ?? '', ctx.getNode().id, urlBase(webhookUrl)].join('\n');
	return createHmac('sha256', key).update(subject).digest('hex');
}

/**
 * The token for a registration to make now: the one in a URL Optimove already holds for this node
 * (its hash on record), else the plain one an earlier version kept, else a derived one, whose hash
 * is then recorded.
 */
export async function tokenForRegistration(
	ctx: IHookFunctions,
	record: TokenRecord,
	webhookUrl: string,
	registeredUrls: string[],
	legacy: string | undefined,
): Promise<string> {
	const held = registeredUrls.find((url) => isOwnTokenUrl(url, webhookUrl, record));
	const token = (held && tokenOf(held)) ?? legacy ?? (await deriveToken(ctx, webhookUrl));
	record.tokenHash = hashToken(token);
	return token;
}
