import { optimoveRequest } from './transport';
import type { OptimoveContext } from './transport';

/** Whether a listener event type is registered per channel. */
export type ChannelRule = 'none' | 'optional' | 'required';

export interface ListenerEventType {
	id: number;
	name: string;
	channel: ChannelRule;
	description: string;
}

/** Optimove's listener event types (EventTypeID). Adding one is a row here. */
export const LISTENER_EVENT_TYPES: ListenerEventType[] = [
	{ id: 1, name: 'Campaign Processed', channel: 'optional', description: 'A campaign was processed for execution' },
	{ id: 2, name: 'All Campaigns Processed', channel: 'none', description: "All of today's campaigns were processed" },
	{ id: 3, name: 'Daily Process Completed', channel: 'none', description: "Today's daily process completed" },
	{ id: 4, name: 'Campaign Cancelled', channel: 'none', description: 'A processed campaign was cancelled' },
	{
		id: 5,
		name: 'Scheduled Conditional Execution',
		channel: 'none',
		description: 'A scheduled campaign waits for approvals until ClearanceRequiredBy',
	},
	{ id: 11, name: 'Real-Time Trigger Met', channel: 'required', description: 'A customer met a real-time trigger' },
	{ id: 13, name: 'Campaign Executed on Channel', channel: 'required', description: 'A campaign was executed on a channel' },
];

export const EVENT_TYPE_BY_ID = new Map(LISTENER_EVENT_TYPES.map((type) => [type.id, type]));

/** A listener slot: Optimove keeps one URL per (event type, channel). */
export interface Slot {
	eventTypeId: number;
	channelId: number | null;
}

export interface Registration extends Slot {
	url: string;
}

export function slotKey(slot: Slot): string {
	return `${slot.eventTypeId}:${slot.channelId ?? '-'}`;
}

export function describeSlot(slot: Slot): string {
	const name = EVENT_TYPE_BY_ID.get(slot.eventTypeId)?.name ?? `event type ${slot.eventTypeId}`;
	return `"${name}" (type ${slot.eventTypeId}${slot.channelId === null ? '' : `, channel ${slot.channelId}`})`;
}

/** A URL without its query: what identifies "this workflow's" listener whatever its token. */
export function urlBase(url: string): string {
	const cut = url.indexOf('?');
	return (cut === -1 ? url : url.slice(0, cut)).replace(/\/+$/, '');
}

/** Whether a URL lies under a base URL (e.g. an n8n instance's), ignoring case and a trailing slash. */
export function pointsUnder(url: string, base: string): boolean {
	const prefix = base.replace(/\/+$/, '').toLowerCase();
	return prefix !== '' && `${url.toLowerCase()}/`.startsWith(`${prefix}/`);
}

function toChannel(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const number = Number(value);
	return Number.isFinite(number) ? number : null;
}

/** Every registered listener, read from Optimove (ChannelID/ChannelId spelled either way). */
export async function registeredListeners(ctx: OptimoveContext): Promise<Registration[]> {
	const { body } = await optimoveRequest.call(ctx, { route: 'getRegisteredEventListeners' });
	const rows = Array.isArray(body) ? (body as Array<Record<string, unknown>>) : [];
	return rows.map((row) => ({
		eventTypeId: Number(row.EventTypeID ?? row.EventTypeId ?? row.eventTypeId),
		channelId: toChannel(row.ChannelID ?? row.ChannelId ?? row.channelId),
		url: String(row.ListenerURL ?? row.ListenerUrl ?? row.listenerUrl ?? ''),
	}));
}

export function findSlot(registrations: Registration[], slot: Slot): Registration | undefined {
	const key = slotKey(slot);
	return registrations.find((r) => slotKey(r) === key);
}

export async function registerListener(ctx: OptimoveContext, registration: Registration): Promise<void> {
	const body: Record<string, unknown> = { EventTypeID: registration.eventTypeId, ListenerURL: registration.url };
	if (registration.channelId !== null) body.ChannelID = registration.channelId;
	await optimoveRequest.call(ctx, { route: 'registerEventListener', body });
}

export async function unregisterListener(ctx: OptimoveContext, slot: Slot): Promise<void> {
	const body: Record<string, unknown> = { EventTypeID: slot.eventTypeId };
	if (slot.channelId !== null) body.ChannelID = slot.channelId;
	await optimoveRequest.call(ctx, { route: 'unregisterEventListener', body });
}

/** Triggered conditional-execution webhooks (v2), as Optimove lists them. */
export interface TriggeredWebhook {
	id: string;
	url: string;
}

export async function triggeredWebhooks(ctx: OptimoveContext): Promise<TriggeredWebhook[]> {
	const { body } = await optimoveRequest.call(ctx, { route: 'getWebhooks' });
	const rows = Array.isArray(body) ? (body as Array<Record<string, unknown>>) : [];
	return rows.map((row) => ({ id: String(row.id ?? row.Id ?? ''), url: String(row.url ?? row.Url ?? '') }));
}
