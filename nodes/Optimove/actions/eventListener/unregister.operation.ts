import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { describeSlot, findSlot, pointsUnder, registeredListeners, unregisterListener, urlBase } from '../../../shared/listeners';
import { perItem } from '../pairedOutput';
import { channelField, eventTypeField, readSlot } from './fields';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	eventTypeField,
	channelField,
	{
		displayName: 'Only If URL Is',
		name: 'expectedUrl',
		type: 'string',
		default: '',
		description:
			'Unregister only when the slot holds this URL (its query, such as a token, is ignored). Empty: only when it points at this n8n instance.',
	},
	{
		displayName: 'Force',
		name: 'force',
		type: 'boolean',
		default: false,
		description: "Whether to unregister whatever URL holds the slot, even another system's",
	},
];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const slot = readSlot(this, itemIndex);
		const expected = String(this.getNodeParameter('expectedUrl', itemIndex, '') ?? '').trim();
		const force = this.getNodeParameter('force', itemIndex, false) as boolean;
		const current = findSlot(await registeredListeners(this), slot);
		if (!current) return { ...slot, unregistered: false, note: 'No listener was registered in this slot' };
		const ours = expected
			? urlBase(current.url) === urlBase(expected)
			: pointsUnder(current.url, this.getInstanceBaseUrl());
		if (!ours && !force) {
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: ${describeSlot(slot)} is held by ${current.url}, not ${expected || 'this n8n instance'}`, {
				itemIndex,
				description: 'Nothing was unregistered. Switch on Force to remove another system\'s listener.',
			});
		}
		await unregisterListener(this, slot);
		return { ...slot, unregistered: true, previousUrl: current.url };
	});
}

export const unregister: Operation = {
	value: 'unregister',
	name: 'Unregister',
	action: 'Unregister an event listener',
	description: "Remove a slot's listener, only if it is yours",
	properties,
	execute,
};
