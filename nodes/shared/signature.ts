import { createHmac, timingSafeEqual } from 'crypto';

/** Hex HMAC-SHA256 of the exact bytes given. Used to sign event batches and to verify notifications. */
export function signBody(secret: string, body: string | Buffer): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}

/** The headers that sign an events request: version 1, the hex HMAC-SHA256 of the exact body. */
export function signatureHeaders(secret: string, body: string): Record<string, string> {
	return { 'X-Optimove-Signature-Version': '1', 'X-Optimove-Signature-Content': signBody(secret, body) };
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Accepts `abc…`, `sha256=abc…` and any hex case; returns the lower-case digest or undefined. */
export function normalizeSignatureHeader(header: unknown): string | undefined {
	const raw = Array.isArray(header) ? header[0] : header;
	if (typeof raw !== 'string') return undefined;
	let value = raw.trim();
	if (value.toLowerCase().startsWith('sha256=')) value = value.slice('sha256='.length);
	value = value.toLowerCase();
	return HEX_SHA256.test(value) ? value : undefined;
}

/**
 * Verifies `header` as the HMAC-SHA256 of the raw body bytes, in constant time.
 * Never re-serialise parsed JSON before calling this: any byte difference must fail.
 */
export function verifySignature(rawBody: Buffer | string | undefined, header: unknown, secret: string): boolean {
	if (!secret || rawBody === undefined) return false;
	const provided = normalizeSignatureHeader(header);
	if (!provided) return false;
	const expected = Buffer.from(signBody(secret, rawBody), 'utf8');
	const actual = Buffer.from(provided, 'utf8');
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Where Optimove puts a notification's signature, in the order they are looked up. */
export const SIGNATURE_HEADERS = ['optimove-signature-content', 'x-optimove-signature-content'];

/** The signature header among request headers (lower-case names, as Node gives them). */
export function signatureHeaderOf(headers: Record<string, unknown>): unknown {
	for (const name of SIGNATURE_HEADERS) if (headers[name] !== undefined) return headers[name];
	return undefined;
}

/**
 * Why a notification is outside the replay window (its `timestamp`, epoch ms, more than
 * `maxAgeSeconds` from now either way), or undefined when it is inside or no window is set.
 */
export function replayWindowRefusal(payload: { timestamp?: unknown }, now: number, maxAgeSeconds: number): string | undefined {
	if (!(maxAgeSeconds > 0)) return undefined;
	const sent = Number(payload.timestamp);
	if (Number.isFinite(sent) && Math.abs(now - sent) <= maxAgeSeconds * 1000) return undefined;
	return `notification timestamp outside the ${maxAgeSeconds} s replay window`;
}
