import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	describeSlot,
	EVENT_TYPE_BY_ID,
	findSlot,
	registeredListeners,
	registerListener,
	slotKey,
	unregisterListener,
	urlBase,
} from '../shared/listeners';
import type { Registration, Slot } from '../shared/listeners';
import { clock } from '../shared/transport';
import { forgetRefusal, recentRefusal, rememberRefusal } from './refusalMemo';
import { isOwnTokenUrl, migrateLegacyToken, redactToken, tokenForRegistration, tokenUrl } from './urlToken';
import { justReleased, stateName, triggerStateOf } from './triggerState';
import type { TriggerState } from './triggerState';

/** The slots the node's parameters select; type 5 never takes a channel. */
export function selectedSlots(ctx: IHookFunctions): Slot[] {
	const events = (ctx.getNodeParameter('events', []) as Array<number | string>).map(Number);
	const channelParam = ctx.getNodeParameter('channelId', '') as unknown;
	const channel = channelParam === '' || channelParam === null || channelParam === undefined ? null : Number(channelParam);
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Select at least one event to listen to');
	}
	return events.map((eventTypeId) => {
		const type = EVENT_TYPE_BY_ID.get(eventTypeId);
		if (!type) throw new NodeOperationError(ctx.getNode(), `Unknown Optimove event type ${eventTypeId}`);
		if (type.channel === 'required' && (channel === null || !Number.isFinite(channel))) {
			throw new NodeOperationError(ctx.getNode(), `${type.name} (type ${type.id}) is registered per channel: choose a Channel`, {
				description: 'Optimove sends this event per execution channel. Pick the channel in the Channel field.',
			});
		}
		return { eventTypeId, channelId: type.channel === 'none' ? null : channel };
	});
}

/** What a registration asks for, to tell a retry of the same publication from another request. */
function registrationRequest(ctx: IHookFunctions, webhookUrl: string, slots: Slot[]): string {
	const replace = ctx.getNodeParameter('replaceExisting', false) as boolean;
	return JSON.stringify([webhookUrl, replace, slots.map(slotKey).sort()]);
}

function uniqueSlots(slots: Slot[]): Slot[] {
	const seen = new Map<string, Slot>();
	for (const slot of slots) seen.set(slotKey(slot), slot);
	return [...seen.values()];
}

export async function listenersExist(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	migrateLegacyToken(scope);
	if (!scope.tokenHash || justReleased(scope)) return false;
	const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
	const slots = selectedSlots(ctx);
	if (recentRefusal(scope, registrationRequest(ctx, webhookUrl, slots))) return false;
	const registered = await registeredListeners(ctx);
	return slots.every((slot) => {
		const current = findSlot(registered, slot);
		return current !== undefined && isOwnTokenUrl(current.url, webhookUrl, scope);
	});
}

function conflictError(ctx: IHookFunctions, conflicts: Registration[], ownProductionBase: string | undefined): NodeOperationError {
	const lines = conflicts.map((c) => `${describeSlot(c)} → ${redactToken(c.url)}`);
	const heldByProduction = ownProductionBase !== undefined && conflicts.every((c) => urlBase(c.url) === ownProductionBase);
	if (heldByProduction) {
		return new NodeOperationError(
			ctx.getNode(),
			`This workflow is published (active, in n8n 1.x) and Optimove's listener slot points at its production URL: ${lines.join('; ')}`,
			{
				description:
					'Optimove keeps one URL per event type and channel, so listening for a test event would take the slot away from the published workflow. Unpublish (in n8n 1.x: deactivate) the workflow to test it, or test against the sandbox.',
			},
		);
	}
	// What to do is in the message itself: n8n's default (asynchronous) publication shows only the
	// message (publication status, editor toast), never the description.
	return new NodeOperationError(
		ctx.getNode(),
		`Optimove's listener slot is held by another URL: ${lines.join('; ')}. If it is stale, remove it (Optimove node → Event Listener → Unregister); to take it over, switch on "Replace Existing Listeners". Then publish again.`,
		{
			description:
				'Optimove keeps one URL per event type and channel, and this one belongs to another system or workflow. Taking it over with "Replace Existing Listeners" means the other system stops receiving these events.',
		},
	);
}

/**
 * Registers this workflow's URL for every selected slot that does not hold it yet. Refuses slots
 * held by a foreign URL unless replacing is allowed; on a failure, undoes what it changed.
 */
export async function createListeners(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	const legacy = migrateLegacyToken(scope);
	const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
	const ownBase = urlBase(webhookUrl);
	const replace = ctx.getNodeParameter('replaceExisting', false) as boolean;
	const slots = selectedSlots(ctx);
	const request = registrationRequest(ctx, webhookUrl, slots);
	const refused = recentRefusal(scope, request);
	if (refused) {
		ctx.logger.debug('Optimove Trigger: refused again without asking Optimove (n8n retrying the same publication)');
		throw new NodeOperationError(ctx.getNode(), refused.message, { description: refused.description });
	}
	const registered = await registeredListeners(ctx);
	delete scope.releasedAt;
	const url = tokenUrl(webhookUrl, await tokenForRegistration(ctx, scope, webhookUrl, registered.map((r) => r.url), legacy));

	const todo: Array<{ slot: Slot; previous?: Registration }> = [];
	const conflicts: Registration[] = [];
	for (const slot of slots) {
		const current = findSlot(registered, slot);
		if (current?.url === url) continue;
		if (current && urlBase(current.url) !== ownBase) {
			if (!replace) conflicts.push(current);
			else ctx.logger.warn(`Optimove Trigger: replacing ${redactToken(current.url)} in ${describeSlot(slot)} as "Replace Existing Listeners" allows`);
		}
		todo.push({ slot, previous: current });
	}
	if (conflicts.length > 0) {
		const productionBase = stateName(ctx) === 'test' ? urlBase(webhookUrl.replace('/webhook-test/', '/webhook/')) : undefined;
		const error = conflictError(ctx, conflicts, productionBase);
		const clean = !registered.some((r) => urlBase(r.url) === ownBase);
		rememberRefusal(scope, { request, message: error.message, description: error.description ?? undefined, clean });
		throw error;
	}
	forgetRefusal(scope);

	// All slots at once: on a re-publish n8n has just unregistered them (see deleteListeners), and each
	// one is back as soon as its own call is answered.
	const outcomes = await Promise.allSettled(todo.map(async (step) => registerListener(ctx, { ...step.slot, url })));
	const done = todo.filter((_, i) => outcomes[i].status === 'fulfilled');
	const failedAt = outcomes.findIndex((o) => o.status === 'rejected');
	if (failedAt !== -1) {
		const error = (outcomes[failedAt] as PromiseRejectedResult).reason as Error & { description?: string };
		const undone = await rollBack(ctx, done);
		const outcome =
			undone === done.length
				? `${undone} registration(s) made before it were rolled back, so Optimove is as it was.`
				: `Only ${undone} of ${done.length} registration(s) made before it could be rolled back (see the n8n log): check the listeners with Optimove node → Event Listener → Get Many.`;
		throw new NodeOperationError(ctx.getNode(), `Registering ${describeSlot(todo[failedAt].slot)} failed: ${error.message}`, {
			description: `${outcome} ${error.description ?? ''}`.trim(),
		});
	}
	scope.slots = uniqueSlots([...(scope.slots ?? []), ...slots]);
	recordDisplaced(ctx, scope, webhookUrl, done);
	if (done.length > 0) ctx.logger.info(`Optimove Trigger: registered ${done.map((d) => describeSlot(d.slot)).join(', ')}`);
	return true;
}

/**
 * Remembers, per slot, the other URL this registration replaced. In production our own test URL is
 * not worth giving back (its test window is over by then); after a test, the production URL is.
 */
function recordDisplaced(ctx: IHookFunctions, scope: TriggerState, webhookUrl: string, done: Array<{ previous?: Registration }>): void {
	const own = new Set([urlBase(webhookUrl)]);
	if (stateName(ctx) === 'production') own.add(urlBase(webhookUrl.replace('/webhook/', '/webhook-test/')));
	const replaced = done.flatMap((d) => (d.previous && !own.has(urlBase(d.previous.url)) ? [d.previous] : []));
	if (replaced.length === 0) return;
	const bySlot = new Map((scope.displaced ?? []).map((d) => [slotKey(d), d]));
	for (const previous of replaced) bySlot.set(slotKey(previous), previous);
	scope.displaced = [...bySlot.values()];
}

/** Whether delete gives a taken-over slot back: always after a test; on unpublish as "On Unpublish" says. */
function restoresOnDelete(ctx: IHookFunctions): boolean {
	if (stateName(ctx) === 'test') return true;
	return ctx.getNodeParameter('onUnpublish', 'restore') !== 'leaveEmpty';
}

/** Restores each slot to what it held before (a replaced foreign URL) or unregisters it. */
async function rollBack(ctx: IHookFunctions, done: Array<{ slot: Slot; previous?: Registration }>): Promise<number> {
	let undone = 0;
	for (const { slot, previous } of done.reverse()) {
		try {
			if (previous) await registerListener(ctx, previous);
			else await unregisterListener(ctx, slot);
			undone++;
		} catch (error) {
			ctx.logger.error(`Optimove Trigger: could not roll back ${describeSlot(slot)}: ${(error as Error).message}`);
		}
	}
	return undone;
}

/**
 * Unregisters the slots that hold this workflow's URL; foreign ones are left untouched. A slot taken
 * over with "Replace Existing Listeners" goes back to the URL that held it (after a test always, on
 * unpublish unless "On Unpublish" is "Leave Slot Empty") — but only while it still holds this
 * workflow's URL: a slot someone else took meanwhile is theirs now.
 */
export async function deleteListeners(ctx: IHookFunctions): Promise<boolean> {
	const scope = triggerStateOf(ctx);
	migrateLegacyToken(scope);
	const webhookUrl = ctx.getNodeWebhookUrl('default') as string;
	const ownBase = urlBase(webhookUrl);
	let selected: Slot[] = [];
	try {
		selected = selectedSlots(ctx);
	} catch (error) {
		ctx.logger.warn(`Optimove Trigger: unregistering only the recorded slots: ${(error as Error).message}`);
	}
	const restore = restoresOnDelete(ctx);
	const slots = uniqueSlots([...(scope.slots ?? []), ...selected]);
	const refused = selected.length > 0 ? recentRefusal(scope, registrationRequest(ctx, webhookUrl, selected)) : undefined;
	if (refused?.clean) {
		// n8n cleaning up after the refused create it retries: Optimove holds none of our URLs.
		ctx.logger.debug('Optimove Trigger: nothing to unregister after the refused registration');
		markReleased(scope);
		return true;
	}
	const registered = await registeredListeners(ctx);
	// All slots at once: n8n calls delete and then create when a published workflow is re-published,
	// and every slot stays empty from its unregister until create registers it again.
	const outcomes = await Promise.allSettled(
		slots.map(async (slot) => {
			const current = findSlot(registered, slot);
			const displaced = (scope.displaced ?? []).find((d) => slotKey(d) === slotKey(slot));
			if (!current || urlBase(current.url) !== ownBase) {
				const holder = current ? `now points at ${redactToken(current.url)}` : 'is empty';
				const notRestored = displaced && restore ? `, so the replaced listener ${redactToken(displaced.url)} was NOT restored` : '';
				ctx.logger[notRestored ? 'warn' : 'info'](`Optimove Trigger: ${describeSlot(slot)} ${holder}; left untouched${notRestored}`);
				return;
			}
			if (displaced && restore) {
				try {
					await registerListener(ctx, displaced);
				} catch (error) {
					throw new NodeOperationError(ctx.getNode(), `Giving ${describeSlot(slot)} back to ${redactToken(displaced.url)} failed: ${(error as Error).message}`, {
						description: 'The slot still points at this workflow. Register the replaced URL again with Optimove node → Event Listener → Register, or unregister the slot.',
					});
				}
				ctx.logger.info(`Optimove Trigger: ${describeSlot(slot)} given back to ${redactToken(displaced.url)}, which held it before this workflow`);
			} else {
				await unregisterListener(ctx, slot);
				if (displaced) ctx.logger.info(`Optimove Trigger: ${describeSlot(slot)} left empty ("On Unpublish: Leave Slot Empty"); it held ${redactToken(displaced.url)} before`);
			}
		}),
	);
	const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
	if (failed) throw failed.reason;
	markReleased(scope);
	if (refused) refused.clean = true;
	return true;
}

function markReleased(scope: TriggerState): void {
	scope.slots = [];
	delete scope.displaced;
	scope.releasedAt = clock.now();
}
