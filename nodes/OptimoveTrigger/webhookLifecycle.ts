import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { triggeredWebhooks, urlBase } from '../shared/listeners';
import type { TriggeredWebhook } from '../shared/listeners';
import { optimoveRequest, clock } from '../shared/transport';
import { justReleased, triggerStateOf } from './triggerState';
import { isOwnTokenUrl, migrateLegacyToken, tokenForRegistration, tokenUrl } from './urlToken';

// Triggered conditional execution: one v2 webhook per trigger node, its URL carrying the token.

export async function webhookExists(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	migrateLegacyToken(scope);
	if (!scope.webhookId || !scope.tokenHash) return false;
	const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
	const webhooks = await triggeredWebhooks(ctx);
	return webhooks.some((w) => w.id === scope.webhookId && isOwnTokenUrl(w.url, webhookUrl, scope));
}

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

async function deleteWebhook(ctx: IHookFunctions, id: string): Promise<void> {
	try {
		await optimoveRequest.call(ctx, { route: 'deleteWebhook', pathParams: { id } });
	} catch (error) {
		if (!isNotFound(error)) throw new NodeApiError(ctx.getNode(), error as JsonObject);
		ctx.logger.info(`Optimove Trigger: webhook ${id} was already gone`);
	}
}

/** Pushes the credential's signing secret and the timeout to Optimove (tenant-wide settings). */
async function pushSettings(ctx: IHookFunctions): Promise<void> {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	if (options.pushSettings !== true) return;
	const credentials = await ctx.getCredentials('optimoveApi');
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (!secret) {
		throw new NodeOperationError(ctx.getNode(), '"Push Signing Secret to Optimove" is on, but the credential has no Webhook Signing Secret', {
			description: 'Enter a secret on the Optimove API credential, or switch the option off.',
		});
	}
	const timeout = Number(options.timeoutMs ?? 5000);
	await optimoveRequest.call(ctx, { route: 'updateWebhookSettings', body: { timeout, secret } });
	ctx.logger.warn(`Optimove Trigger: pushed the signing secret and a ${timeout} ms timeout to Optimove (tenant-wide settings)`);
}

/**
 * Creates this node's webhook. Webhooks of this node left from earlier registrations (same URL,
 * another token) are removed first: Optimove posts every notification to every webhook. Right after
 * this node's delete (n8n re-publishes as delete + create) there is nothing to look for: the webhook
 * is created at once, since notifications sent until then reach no webhook of this workflow.
 */
export async function createWebhook(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	const legacy = migrateLegacyToken(scope);
	const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
	const base = urlBase(webhookUrl);
	const released = justReleased(scope);
	delete scope.releasedAt;
	let existing: TriggeredWebhook[] = [];
	if (!released) {
		await pushSettings(ctx);
		existing = await triggeredWebhooks(ctx);
	}
	const url = tokenUrl(webhookUrl, await tokenForRegistration(ctx, scope, webhookUrl, existing.map((w) => w.url), legacy));
	if (!released) {
		for (const stale of existing.filter((w) => urlBase(w.url) === base && w.url !== url)) {
			ctx.logger.info(`Optimove Trigger: removing a stale webhook of this node (${stale.id})`);
			await deleteWebhook(ctx, stale.id);
		}
		const mine = existing.find((w) => w.url === url);
		if (mine) {
			scope.webhookId = mine.id;
			return true;
		}
	}
	const { body } = await optimoveRequest.call(ctx, { route: 'createWebhook', body: { url } });
	const id = (body as IDataObject | undefined)?.id;
	if (id === undefined || id === null || id === '') {
		throw new NodeOperationError(ctx.getNode(), 'Optimove created the webhook but did not return its id', {
			description: 'Unpublish and publish again (in n8n 1.x: deactivate and activate); if it persists, check the webhook list (Optimove node → Webhook → Get Many).',
		});
	}
	scope.webhookId = String(id);
	if (released) await pushSettings(ctx);
	return true;
}

/** Deletes this node's webhook(s); one already gone counts as deleted. Others are untouched. */
export async function deleteWebhooks(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	migrateLegacyToken(scope);
	const base = urlBase(ctx.getNodeWebhookUrl('default') as string);
	const existing = await triggeredWebhooks(ctx);
	const ids = new Set(existing.filter((w) => urlBase(w.url) === base).map((w) => w.id));
	if (scope.webhookId && existing.some((w) => w.id === scope.webhookId)) ids.add(scope.webhookId);
	for (const id of ids) await deleteWebhook(ctx, id);
	delete scope.webhookId;
	scope.releasedAt = clock.now();
	return true;
}
