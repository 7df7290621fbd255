import type { IDataObject } from 'n8n-workflow';
import { EVENT_TYPE_BY_ID } from '../shared/listeners';
import { naiveUtcToIso, parseInstant } from '../shared/time';

/** Optimove's listener timestamps: naive `YYYY-MM-DD HH:MM:SS`, in UTC. */
const NAIVE_UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** Every naive-UTC timestamp among a listener payload's top-level fields, as ISO-8601 UTC. */
function listenerTimestamps(payload: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(payload)) {
		if (typeof value === 'string' && NAIVE_UTC.test(value)) {
			const iso = naiveUtcToIso(value);
			if (iso) out[key] = iso;
		}
	}
	return out;
}

export function normalizeListenerEvent(payload: IDataObject, now: number): IDataObject {
	const eventTypeId = Number(payload.EventTypeID ?? payload.eventTypeId ?? payload.EventTypeId);
	const type = EVENT_TYPE_BY_ID.get(eventTypeId);
	const timestamps = listenerTimestamps(payload);
	const out: IDataObject = {
		source: 'eventListener',
		eventTypeId: Number.isFinite(eventTypeId) ? eventTypeId : null,
		eventType: type?.name ?? `Unknown event type (${String(payload.EventTypeID ?? 'none')})`,
	};
	if (!type) out.unknownEventType = true;
	const campaignId = payload.CampaignID ?? payload.campaignId;
	if (campaignId !== undefined) out.campaignId = campaignId;
	const channelId = payload.ChannelID ?? payload.channelId;
	if (channelId !== undefined) out.channelId = channelId;
	if (timestamps.TimeStamp) out.timeStamp = timestamps.TimeStamp;
	if (timestamps.ClearanceRequiredBy) {
		out.clearanceRequiredBy = timestamps.ClearanceRequiredBy;
		const clearance = parseInstant(timestamps.ClearanceRequiredBy);
		if (typeof clearance !== 'string') out.msUntilClearance = clearance.epochMs - now;
	}
	out.timestamps = timestamps;
	out.body = payload;
	return out;
}
