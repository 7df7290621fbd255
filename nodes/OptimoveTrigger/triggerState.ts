import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { Registration, Slot } from '../shared/listeners';
import { clock } from '../shared/transport';
import type { TokenRecord } from './urlToken';

// What the Optimove Trigger keeps in the workflow's static data, shared by its listener and
// triggered-webhook lifecycles and by the webhook that checks incoming tokens.

/**
 * Static data of one trigger node. Production and test ("listen for test event") registrations
 * are kept apart: they use different URLs and tokens.
 */
export interface TriggerState extends TokenRecord {
	slots?: Slot[];
	/**
	 * Registrations of other URLs that "Replace Existing Listeners" took slots from (one per slot, the
	 * latest): given back on delete — always after a test, on unpublish unless "On Unpublish" says
	 * "Leave Slot Empty".
	 */
	displaced?: Registration[];
	webhookId?: string;
	/** When delete last removed every registration of this state (epoch ms); see RELEASE_FRESH_MS. */
	releasedAt?: number;
}

/**
 * How long after a delete the next checkExists trusts it without asking Optimove. n8n re-publishes
 * a published workflow as delete + create: the registrations are known to be gone, so the create
 * that follows needs no extra round trip while Optimove has no URL for this workflow. Far shorter
 * than any n8n restart, so a delete interrupted by a crash is never trusted after it.
 */
export const RELEASE_FRESH_MS = 5_000;

/**
 * Whether a mark set at `at` is younger than `maxAgeMs`. A mark from the future (another main's
 * clock ahead of this one) is not trusted either.
 */
export function isFresh(at: number | undefined, maxAgeMs: number): boolean {
	if (typeof at !== 'number') return false;
	const age = clock.now() - at;
	return age >= 0 && age < maxAgeMs;
}

export function justReleased(state: TriggerState): boolean {
	return isFresh(state.releasedAt, RELEASE_FRESH_MS);
}

/** Test ("listen for test event") or production: the two registrations are kept apart. */
export function stateName(ctx: IHookFunctions | IWebhookFunctions): 'test' | 'production' {
	return ctx.getMode() === 'manual' ? 'test' : 'production';
}

/** The node's static data for the current mode, created empty on first use. */
export function triggerStateOf(ctx: IHookFunctions): TriggerState {
	const data = ctx.getWorkflowStaticData('node') as IDataObject;
	const name = stateName(ctx);
	if (!data[name] || typeof data[name] !== 'object') data[name] = {};
	return data[name] as TriggerState;
}

/** The state as it is, without creating it: for the webhook, which must not write static data per request. */
export function existingTriggerState(ctx: IWebhookFunctions): TriggerState | undefined {
	const data = ctx.getWorkflowStaticData('node') as IDataObject;
	const state = data[stateName(ctx)];
	return state && typeof state === 'object' ? (state as TriggerState) : undefined;
}
