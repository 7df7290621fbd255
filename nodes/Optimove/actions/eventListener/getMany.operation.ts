import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_BY_ID, pointsUnder, registeredListeners } from '../../../shared/listeners';
import { limitField, readLimit, returnAllField } from '../common/fields';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
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
async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const base = String(this.getNodeParameter('instanceUrl', itemIndex, '') || this.getInstanceBaseUrl());
		const listeners = (await registeredListeners(this)).slice(0, readLimit(this, itemIndex));
		return listeners.map((listener) => ({
			eventTypeId: listener.eventTypeId,
			eventType: EVENT_TYPE_BY_ID.get(listener.eventTypeId)?.name ?? null,
			channelId: listener.channelId,
			listenerUrl: listener.url,
			pointsAtThisN8n: pointsUnder(listener.url, base),
		}));
	});
}

export const getMany: Operation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many event listeners',
	description: 'List many registered listeners and whether each points at this n8n',
	properties,
	execute,
};
