import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_BY_ID, registeredListeners } from '../../../shared/listeners';
import { perItem } from '../runner';

export const description: INodeProperties[] = [
	{
		displayName: 'N8n Base URL',
		name: 'instanceUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com',
		description:
			"Used to tell which listeners point at this n8n. Empty: this instance's own base URL. Set it when webhooks reach n8n under another host (WEBHOOK_URL).",
	},
];

/** One item per registered listener, saying whether it points at this n8n (orphans stand out). */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const base = String(this.getNodeParameter('instanceUrl', itemIndex, '') || this.getInstanceBaseUrl()).replace(/\/+$/, '');
		const listeners = await registeredListeners(this);
		return listeners.map((listener) => ({
			eventTypeId: listener.eventTypeId,
			eventType: EVENT_TYPE_BY_ID.get(listener.eventTypeId)?.name ?? null,
			channelId: listener.channelId,
			listenerUrl: listener.url,
			pointsAtThisN8n: base !== '' && listener.url.toLowerCase().startsWith(`${base.toLowerCase()}/`),
		}));
	});
}
