import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import { EVENT_TYPE_BY_ID } from '../shared/listeners';

/** Optimove's listener timestamps: naive `YYYY-MM-DD HH:MM:SS`, in UTC. */
const NAIVE_UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;

export function naiveUtcToIso(value: string): string | undefined {
	const parsed = DateTime.fromSQL(value, { zone: 'utc' });
	return parsed.isValid ? (parsed.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
}

/** Epoch milliseconds (or seconds, below 10^12) to ISO-8601 UTC. */
export function epochToIso(value: number): string | undefined {
	const ms = value < 1e12 ? value * 1000 : value;
	const parsed = DateTime.fromMillis(ms, { zone: 'utc' });
	return parsed.isValid ? (parsed.toISO() ?? undefined) : undefined;
}

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
		out.msUntilClearance = Date.parse(timestamps.ClearanceRequiredBy as string) - now;
	}
	out.timestamps = timestamps;
	out.body = payload;
	return out;
}

export interface SignatureStatus {
	verified: boolean;
	note?: string;
}

export function normalizeTriggeredNotification(payload: IDataObject, now: number, signature: SignatureStatus): IDataObject {
	const user = (payload.user ?? {}) as IDataObject;
	const timestamps: IDataObject = {};
	for (const key of ['timestamp', 'conditional_execution_approval_deadline']) {
		if (typeof payload[key] === 'number') timestamps[key] = epochToIso(payload[key] as number);
	}
	const events = ((payload.trigger_context ?? {}) as IDataObject).events;
	if (Array.isArray(events)) {
		timestamps.triggerEvents = events.map((event) => {
			const value = (event as IDataObject | null)?.timestamp;
			return typeof value === 'number' ? (epochToIso(value) ?? null) : null;
		});
	}
	const deadline = payload.conditional_execution_approval_deadline;
	const out: IDataObject = {
		source: 'triggeredConditionalExecution',
		eventType: 'Triggered Conditional Execution',
		requestUid: payload.request_uid ?? null,
		userId: user.user_id ?? null,
		isVisitor: user.is_visitor ?? null,
	};
	if (timestamps.timestamp) out.timestamp = timestamps.timestamp;
	if (typeof deadline === 'number') {
		out.approvalDeadline = timestamps.conditional_execution_approval_deadline;
		out.msUntilDeadline = deadline - now;
	}
	out.signatureVerified = signature.verified;
	if (signature.note) out.signatureNote = signature.note;
	out.timestamps = timestamps;
	out.body = payload;
	return out;
}
