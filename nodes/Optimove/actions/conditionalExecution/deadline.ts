import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { parseOptionalInstant } from '../../../shared/time';
import { fieldError, itemParameter } from '../parameters';

/**
 * Default time kept free before a deadline: an approval must be in Optimove's hands before it.
 * A scheduled clearance is minutes away; a triggered deadline is ~5 s after the notification.
 */
export const DEFAULT_SAFETY_MARGIN_MS = { clearance: 5000, triggered: 200 } as const;
export type DeadlineKind = keyof typeof DEFAULT_SAFETY_MARGIN_MS;

const DEADLINE_NAMES: Record<DeadlineKind, string> = {
	clearance: 'clearance time',
	triggered: 'approval deadline',
};

/**
 * A deadline as epoch ms, read as every time in the package is (parseInstant: a text without an
 * offset is UTC, never the server's zone). Empty means "no deadline".
 */
export function parseDeadline(value: unknown): { at?: number; error?: string } {
	return parseOptionalInstant(value);
}

/**
 * Why an approval must not be sent: it would reach Optimove at or after the deadline (the safety
 * margin included). Undefined when it can go.
 */
export function lateReason(deadline: number, now: number, marginMs: number): string | undefined {
	if (now + marginMs < deadline) return undefined;
	const iso = new Date(deadline).toISOString();
	const when =
		now >= deadline
			? `the deadline ${iso} passed ${now - deadline} ms ago`
			: `the deadline ${iso} is only ${deadline - now} ms away, inside the safety margin of ${marginMs} ms`;
	return `approval not sent: ${when}; Optimove counts unreported customers as rejected`;
}

/** An item's deadline guard: the deadline (epoch ms; undefined when none, or Send Even If Late) and its margin. */
export interface Guard {
	deadline?: number;
	marginMs: number;
}

/**
 * Reads an item's guard from the deadline field `name` and the item's Options (Safety Margin, Send
 * Even If Late). Read through itemParameter: the deadline usually holds the same value for every
 * item (the trigger's time, read with `.first()`), and n8n then evaluates it once per run.
 */
export function readGuard(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, name: string, field: string, kind: DeadlineKind): Guard {
	const marginMs = Number(options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS[kind]);
	const { at, error } = parseDeadline(itemParameter(ctx, itemIndex, name, ''));
	if (error) throw fieldError(ctx, itemIndex, field, error);
	return { deadline: options.sendLate === true ? undefined : at, marginMs };
}

/**
 * The deadline check every approval path makes just before it sends: throws the item's "approval
 * not sent" error when the approval would reach Optimove at or after the deadline (margin included);
 * otherwise returns the time retries must stop by (undefined without a deadline). `itemPrefix: false`
 * leaves "Item N:" out of the message, for a batch of several items.
 */
export function enforceDeadline(
	ctx: IExecuteFunctions,
	guard: Guard,
	now: number,
	itemIndex: number,
	options: { itemPrefix?: boolean; description?: string } = {},
): number | undefined {
	if (guard.deadline === undefined) return undefined;
	const late = lateReason(guard.deadline, now, guard.marginMs);
	if (late) {
		const message = options.itemPrefix === false ? late : `Item ${itemIndex}: ${late}`;
		throw new NodeOperationError(ctx.getNode(), message, options.description === undefined ? { itemIndex } : { itemIndex, description: options.description });
	}
	return guard.deadline - guard.marginMs;
}

/** The options every approval operation offers around its deadline. */
export function deadlineOptions(kind: DeadlineKind): INodeProperties[] {
	const deadlineName = DEADLINE_NAMES[kind];
	const defaultMarginMs: number = DEFAULT_SAFETY_MARGIN_MS[kind];
	return [
		{
			displayName: 'Safety Margin (Ms)',
			name: 'safetyMarginMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: defaultMarginMs,
			description: `An approval is not sent when now plus this margin reaches the ${deadlineName}`,
		},
		{
			displayName: 'Send Even If Late',
			name: 'sendLate',
			type: 'boolean',
			default: false,
			description: `Whether to send approvals even when the ${deadlineName} has passed or is inside the safety margin (Optimove will most likely ignore them)`,
		},
	];
}
