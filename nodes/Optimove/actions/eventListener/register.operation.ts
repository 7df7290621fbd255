import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { describeSlot, EVENT_TYPE_BY_ID, findSlot, registeredListeners, registerListener } from '../../../shared/listeners';
import { readText } from '../parameters';
import { perItem } from '../pairedOutput';
import { channelField, eventTypeField, readSlot } from './fields';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	eventTypeField,
	channelField,
	{
		displayName: 'Listener URL',
		name: 'listenerUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…',
		description: 'Where Optimove will POST this event',
	},
	{
		displayName: 'Replace Existing Listener',
		name: 'replaceExisting',
		type: 'boolean',
		default: false,
		description:
			'Whether to replace a listener another URL holds in this slot. Optimove keeps one URL per event type and channel: the previous URL stops receiving the event.',
	},
];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const slot = readSlot(this, itemIndex);
		const url = readText(this, itemIndex, 'listenerUrl', 'Listener URL');
		if (!/^https?:\/\//i.test(url)) {
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Listener URL must start with http:// or https://`, { itemIndex });
		}
		const replace = this.getNodeParameter('replaceExisting', itemIndex, false) as boolean;
		const current = findSlot(await registeredListeners(this), slot);
		if (current && current.url !== url && !replace) {
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: ${describeSlot(slot)} is held by ${current.url}`, {
				itemIndex,
				description:
					'Optimove keeps one URL per event type and channel. Switch on "Replace Existing Listener" to take the slot over (the other URL stops receiving the event).',
			});
		}
		if (current?.url !== url) await registerListener(this, { ...slot, url });
		return {
			eventTypeId: slot.eventTypeId,
			eventType: EVENT_TYPE_BY_ID.get(slot.eventTypeId)?.name ?? null,
			channelId: slot.channelId,
			listenerUrl: url,
			replacedUrl: current && current.url !== url ? current.url : null,
			alreadyRegistered: current?.url === url,
		};
	});
}

export const register: Operation = {
	value: 'register',
	name: 'Register',
	action: 'Register an event listener',
	description: 'Register a URL for an event type (and channel)',
	properties,
	execute,
};
