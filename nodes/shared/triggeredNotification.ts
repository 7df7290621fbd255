import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { epochToIso } from './time';

// A triggered conditional-execution notification as the package outputs it, whether
// the Optimove Trigger received it or the Verify Triggered Notification operation checked one that
// n8n's Webhook node received.

/** The JSON object of a body: `parsed` when n8n already parsed these bytes, else the bytes themselves. */
export function parseNotificationBody(raw: Buffer | undefined, parsed?: unknown): { payload?: IDataObject; error?: string } {
	if (!raw || raw.length === 0) return { error: 'Empty body: Optimove sends a JSON object' };
	let value = parsed;
	if (value === undefined) {
		try {
			value = JSON.parse(raw.toString('utf8'));
		} catch {
			return { error: 'Malformed JSON body' };
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'The body must be a JSON object' };
	return { payload: value as IDataObject };
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

/** The replay window option, for the trigger and for Verify Triggered Notification alike. */
export const maxNotificationAgeOption: INodeProperties = {
	displayName: 'Max Notification Age (Seconds)',
	name: 'maxAgeSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'Reject notifications whose timestamp is further than this from now, either way (replay protection); 0 turns the check off. Keep it well above clock skew, e.g. 300.',
};
