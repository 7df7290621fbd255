import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { getExecutionChannels } from '../shared/channels';
import { LISTENER_EVENT_TYPES } from '../shared/listeners';
import { maxNotificationAgeOption } from '../shared/triggeredNotification';
import { handleRequest } from './handleRequest';
import { createListeners, deleteListeners, listenersExist } from './listenerLifecycle';
import { createWebhook, deleteWebhooks, webhookExists } from './webhookLifecycle';

function isTriggered(ctx: IHookFunctions): boolean {
	return ctx.getNodeParameter('source') === 'triggeredConditionalExecution';
}

export class OptimoveTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimove Trigger',
		name: 'optimoveTrigger',
		icon: { light: 'file:../../icons/optimove.svg', dark: 'file:../../icons/optimove.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n evaluates an expression (an isolate) on every request to a
		// version-1 webhook node to look for a binary-data option; from 1.1 on it does not.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["source"] === "triggeredConditionalExecution" ? "Triggered conditional execution" : "Event listeners"}}',
		description: 'Starts a workflow when Optimove processes, executes or cancels a campaign, or asks for a conditional-execution approval',
		defaults: { name: 'Optimove Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'optimoveApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Event Listeners',
						value: 'eventListeners',
						description: 'Campaign processed, executed on a channel, cancelled, scheduled conditional execution and more (unsigned calls, protected by a URL token)',
					},
					{
						name: 'Triggered Conditional Execution',
						value: 'triggeredConditionalExecution',
						description: 'One signed notification per customer who met a triggered campaign with conditional execution',
					},
				],
				default: 'eventListeners',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				noDataExpression: true,
				required: true,
				displayOptions: { show: { source: ['eventListeners'] } },
				options: LISTENER_EVENT_TYPES.map((type) => ({
					name: `${type.name} (${type.id})`,
					value: type.id,
					description: type.description,
				})),
				default: [5],
				description: 'The Optimove events that start this workflow. Each execution says which one it is (eventTypeId, eventType).',
			},
			{
				displayName: 'Channel Name or ID',
				name: 'channelId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getExecutionChannels' },
				displayOptions: { show: { source: ['eventListeners'] } },
				default: '',
				description:
					'The execution channel for Real-Time Trigger Met and Campaign Executed on Channel (required there) and Campaign Processed (optional). Other events are registered without a channel. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Replace Existing Listeners',
				name: 'replaceExisting',
				type: 'boolean',
				displayOptions: { show: { source: ['eventListeners'] } },
				default: false,
				description:
					'Whether to take over a listener slot that another URL holds. Optimove keeps one URL per event type and channel: the system that held it stops receiving these events until this workflow is unpublished (deactivated, in n8n 1.x; see On Unpublish).',
			},
			{
				displayName: 'On Unpublish',
				name: 'onUnpublish',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { source: ['eventListeners'], replaceExisting: [true] } },
				options: [
					{
						name: 'Restore Replaced Listener',
						value: 'restore',
						description:
							'Register the replaced URL again, so its system receives these events as before. Only where the slot still holds this workflow\'s URL: a slot someone else took meanwhile is left alone (and the n8n log says so).',
					},
					{
						name: 'Leave Slot Empty',
						value: 'leaveEmpty',
						description:
							'Unregister this workflow\'s URL and register nothing: choose this when the replaced URL was stale. Optimove sends these events nowhere until something registers again.',
					},
				],
				default: 'restore',
				description: 'What unpublishing (deactivating, in n8n 1.x) does with a slot this workflow took over from another URL',
			},
			{
				displayName:
					'Notifications are verified with the Webhook Signing Secret of the Optimove API credential (HMAC-SHA256 of the raw body). Without a secret they are accepted unverified and each item says so (signatureVerified: false).',
				name: 'signatureNotice',
				type: 'notice',
				displayOptions: { show: { source: ['triggeredConditionalExecution'] } },
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				displayOptions: { show: { source: ['triggeredConditionalExecution'] } },
				default: {},
				options: [
					maxNotificationAgeOption,
					{
						displayName: 'Push Signing Secret to Optimove',
						name: 'pushSettings',
						type: 'boolean',
						default: false,
						description:
							"Whether to set Optimove's triggered settings (the credential's signing secret and the timeout) on publish (activation, in n8n 1.x). Warning: these settings are tenant-wide and apply to every webhook of the tenant.",
					},
					{
						displayName: 'Timeout (Ms)',
						name: 'timeoutMs',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 5000,
						description: 'How long Optimove waits for an approval, set with Push Signing Secret to Optimove',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getExecutionChannels } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return isTriggered(this) ? webhookExists(this) : listenersExist(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return isTriggered(this) ? createWebhook(this) : createListeners(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return isTriggered(this) ? deleteWebhooks(this) : deleteListeners(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleRequest.call(this);
	}
}
