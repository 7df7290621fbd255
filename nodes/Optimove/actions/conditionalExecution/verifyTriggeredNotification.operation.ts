import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { replayWindowRefusal, signatureHeaderOf, verifySignature } from '../../../shared/signature';
import { credentialsFor, clock } from '../../../shared/transport';
import { maxNotificationAgeOption, normalizeTriggeredNotification, parseNotificationBody } from '../../../shared/triggeredNotification';
import { optionsField } from '../common/fields';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

/**
 * For flows that receive triggered notifications with n8n's own Webhook node (Raw Body on) instead
 * of the Optimove Trigger: at n8n's default expression engine the Webhook node is the cheaper start
 * node. This checks what the trigger checks — the signature over the exact bytes, the replay window
 * — and outputs the same item the trigger would.
 */
const properties: INodeProperties[] = [
	{
		displayName:
			"Receive the notifications with n8n's Webhook node (HTTP Method POST, Options → Raw Body on), register its production URL with Webhook → Create, and put this operation right after it. A notification that fails the check fails its item, so nothing downstream approves it.",
		name: 'verifyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Raw Body Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: "The binary property holding the request's exact bytes: the Webhook node's Raw Body option puts them in \"data\"",
	},
	optionsField([maxNotificationAgeOption]),
];

type Verified = { json: IDataObject } | { refusal: string };

async function verifyItem(ctx: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, secret: string, now: number): Promise<Verified> {
	const property = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	if (!item.binary?.[property]) {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: no raw body in the binary property "${property}"`, {
			itemIndex,
			description:
				"Switch on the Webhook node's Options → Raw Body, so the exact bytes Optimove signed reach this node (a parsed and re-serialised body never matches the signature).",
		});
	}
	const raw = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	const headers = (item.json.headers ?? {}) as Record<string, unknown>;
	if (!verifySignature(raw, signatureHeaderOf(headers), secret)) return { refusal: 'missing or invalid signature' };
	const { payload, error } = parseNotificationBody(raw);
	if (!payload) return { refusal: (error as string).charAt(0).toLowerCase() + (error as string).slice(1) };
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const stale = replayWindowRefusal(payload, now, Number(options.maxAgeSeconds ?? 0));
	if (stale) return { refusal: stale };
	return { json: normalizeTriggeredNotification(payload, now, { verified: true }) };
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await credentialsFor(this, 'optimoveApi');
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (!secret) {
		throw new NodeOperationError(this.getNode(), 'No Webhook Signing Secret on the Optimove API credential: there is nothing to verify with', {
			description:
				"Enter the tenant's triggered conditional-execution secret on the credential (Conditional Execution → Update Triggered Settings sets one at Optimove).",
		});
	}
	const now = clock.now();
	return perItem(this, items, async (itemIndex) => {
		const result = await verifyItem(this, items[itemIndex], itemIndex, secret, now);
		if ('refusal' in result) {
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: not a genuine Optimove notification: ${result.refusal}`, {
				itemIndex,
				description:
					'The notification was not approved. If genuine notifications fail, check that the Webhook Signing Secret matches the tenant\'s and that nothing between Optimove and n8n rewrites the body.',
			});
		}
		return result.json;
	});
}

export const verifyTriggeredNotification: Operation = {
	value: 'verifyTriggeredNotification',
	name: 'Verify Triggered Notification',
	action: 'Verify a triggered notification',
	description: "Check the signature and age of a triggered notification received by n8n's Webhook node, and output it as the Optimove Trigger would",
	properties,
	execute,
};
