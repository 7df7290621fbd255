import { timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { replayWindowRefusal, signatureHeaderOf, verifySignature } from '../shared/signature';
import { clock } from '../shared/transport';
import { normalizeTriggeredNotification, parseNotificationBody } from '../shared/triggeredNotification';
import type { SignatureStatus } from '../shared/triggeredNotification';
import { existingTriggerState } from './triggerState';
import { signingSecret } from './signingSecret';
import { normalizeListenerEvent } from './listenerEvent';
import { matchesTokenHash } from './urlToken';

const NO_SECRET_NOTE =
	'No Webhook Signing Secret on the Optimove API credential: this notification was NOT verified. Add the secret to reject forged requests.';

type IncomingBody = ReturnType<IWebhookFunctions['getRequestObject']>;

/** Answers the request ourselves and starts no execution. */
function reject(ctx: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

function sameToken(given: unknown, expected: string | undefined): boolean {
	if (typeof given !== 'string' || !expected) return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token in the URL must be the one this node registered for this URL (production or test):
 * static data holds its hash, or, until the next activation migrates it, an earlier version's plain token.
 */
function hasValidToken(ctx: IWebhookFunctions): boolean {
	const scope = existingTriggerState(ctx);
	const given = (ctx.getQueryData() as IDataObject).token;
	return scope?.tokenHash ? matchesTokenHash(given, scope.tokenHash) : sameToken(given, scope?.token);
}

/**
 * The JSON object in the body. For `application/json` n8n has already parsed these same bytes (its
 * parser also drops a byte-order mark and honours a declared charset), so that object is taken
 * rather than parsing the body a second time on every request.
 */
function parseBody(request: IncomingBody, raw: Buffer | undefined): { payload?: IDataObject; error?: string } {
	const parsed = request.contentType === 'application/json' ? (request.body as unknown) : undefined;
	return parseNotificationBody(raw, parsed);
}

/**
 * The exact bytes of the request. From typeVersion 1.1 on, n8n reads the body itself only for the
 * content types it parses (JSON, text, form, XML); for any other (none, octet-stream, …) it leaves
 * the stream unread and the node reads it here, so the signature and JSON checks see the same bytes
 * whatever the content type. A body n8n cannot read (over its size limit, aborted) is refused.
 */
async function readBody(request: IncomingBody): Promise<{ raw?: Buffer; status?: number; error?: string }> {
	if (!request.rawBody && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch (error) {
			const status = Number((error as { status?: unknown }).status);
			return {
				status: status === 413 ? 413 : 400,
				error: status === 413 ? 'Request body too large' : 'Request body could not be read',
			};
		}
	}
	return { raw: request.rawBody as Buffer | undefined };
}

/**
 * Verifies the signature header with the credential's secret; undefined means reject. Without a
 * secret the notification is accepted, flagged as not verified.
 */
async function checkSignature(ctx: IWebhookFunctions, raw: Buffer | undefined): Promise<SignatureStatus | undefined> {
	const header = signatureHeaderOf(ctx.getHeaderData() as IDataObject);
	const lookup = await signingSecret(ctx);
	let secret = lookup.secret;
	let verified = secret !== '' && verifySignature(raw, header, secret);
	if (!verified) {
		const reread = await lookup.reread();
		if (reread !== undefined && reread !== secret) {
			secret = reread;
			verified = secret !== '' && verifySignature(raw, header, secret);
		}
	}
	if (verified) return { verified: true };
	return secret === '' ? { verified: false, note: NO_SECRET_NOTE } : undefined;
}

/**
 * One Optimove request: token check, then (triggered) signature over the exact raw bytes and the
 * optional replay window, then JSON; a rejection answers 400/401 and starts no execution.
 */
export async function handleRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (!hasValidToken(this)) return reject(this, 401, 'Unauthorized: missing or wrong listener token');
	const source = this.getNodeParameter('source') as string;
	const request = this.getRequestObject();
	const body = await readBody(request);
	if (body.error) return reject(this, body.status as number, body.error);
	const raw = body.raw;
	const now = clock.now();

	if (source !== 'triggeredConditionalExecution') {
		const { payload, error } = parseBody(request, raw);
		if (!payload) return reject(this, 400, error as string);
		return { workflowData: [[{ json: normalizeListenerEvent(payload, now) }]], webhookResponse: { received: true } };
	}

	const signature = await checkSignature(this, raw);
	if (!signature) return reject(this, 401, 'Unauthorized: missing or invalid signature');
	const { payload, error } = parseBody(request, raw);
	if (!payload) return reject(this, 400, error as string);
	const maxAgeSeconds = Number((this.getNodeParameter('options', {}) as IDataObject).maxAgeSeconds ?? 0);
	const stale = replayWindowRefusal(payload, now, maxAgeSeconds);
	if (stale) return reject(this, 401, `Unauthorized: ${stale}`);
	return {
		workflowData: [[{ json: normalizeTriggeredNotification(payload, now, signature) }]],
		webhookResponse: { received: true },
	};
}
