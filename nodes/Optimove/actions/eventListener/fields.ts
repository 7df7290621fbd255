import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_BY_ID, LISTENER_EVENT_TYPES } from '../../../shared/listeners';
import type { Slot } from '../../../shared/listeners';
import { fieldError, readInteger } from '../parameters';

export const eventTypeField: INodeProperties = {
	displayName: 'Event Type',
	name: 'eventTypeId',
	type: 'options',
	options: LISTENER_EVENT_TYPES.map((type) => ({ name: `${type.name} (${type.id})`, value: type.id, description: type.description })),
	default: 5,
	description: 'The Optimove listener event type (EventTypeID)',
};

export const channelField: INodeProperties = {
	displayName: 'Channel Name or ID',
	name: 'channelId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getExecutionChannels' },
	default: '',
	description:
		'Required for Real-Time Trigger Met and Campaign Executed on Channel, optional for Campaign Processed, ignored otherwise. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** The slot an item addresses: event type plus the channel where the type takes one. */
export function readSlot(ctx: IExecuteFunctions, itemIndex: number): Slot {
	const eventTypeId = readInteger(ctx, itemIndex, 'eventTypeId', 'Event Type');
	const type = EVENT_TYPE_BY_ID.get(eventTypeId);
	if (!type) throw fieldError(ctx, itemIndex, 'Event Type', `${eventTypeId} is not an Optimove listener event type`);
	const rawChannel = ctx.getNodeParameter('channelId', itemIndex, '') as unknown;
	const hasChannel = rawChannel !== '' && rawChannel !== null && rawChannel !== undefined;
	if (type.channel === 'required' && !hasChannel) {
		throw fieldError(ctx, itemIndex, 'Channel', `is required for ${type.name} (type ${type.id})`);
	}
	const channelId = type.channel === 'none' || !hasChannel ? null : readInteger(ctx, itemIndex, 'channelId', 'Channel');
	return { eventTypeId, channelId };
}
