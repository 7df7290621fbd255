import { clock } from '../shared/transport';
import { isFresh } from './triggerState';

/**
 * Remembers, for a short while, that registering was refused because a listener slot belongs to
 * another URL, so n8n's retries of the same publication do not ask Optimove again.
 *
 * n8n 2.x's default (asynchronous) publication retries a failing `create()` in the background: up to
 * five attempts 1, 2, 4 and 8 s apart, each running checkExists, create and a cleanup delete — about
 * 14 Optimove calls for one refused publish, all on the key's REST budget. A foreign slot does not
 * free itself within those 15 s, so one look is enough. Every attempt of one pass works on the same
 * static-data object, and each new pass (the user publishing again, a restart, another leader) loads
 * a fresh one from the database: keyed by that object, the memo spans exactly one pass, and a user
 * who freed the slot and publishes again is asked about afresh at once.
 */
export const REFUSAL_MEMO_MS = 60_000;

export interface Refusal {
	/** What was asked for: the URL and slots; another request is not answered from the memo. */
	request: string;
	message: string;
	description?: string;
	/** True once Optimove is known to hold none of this workflow's URLs (nothing for delete to do). */
	clean: boolean;
	at: number;
}

const refusals = new WeakMap<object, Refusal>();

export function rememberRefusal(scope: object, refusal: Omit<Refusal, 'at'>): void {
	refusals.set(scope, { ...refusal, at: clock.now() });
}

/** The refusal remembered for this scope and request, while it is fresh (never one from the future). */
export function recentRefusal(scope: object, request: string): Refusal | undefined {
	const refusal = refusals.get(scope);
	if (!refusal || refusal.request !== request) return undefined;
	return isFresh(refusal.at, REFUSAL_MEMO_MS) ? refusal : undefined;
}

export function forgetRefusal(scope: object): void {
	refusals.delete(scope);
}
