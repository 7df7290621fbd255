import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { RATE_LIMITED_EVENTS } from '../../../shared/events/catalogue';
import { EventValidationError } from '../../../shared/events/validate';
import type { EventInput, OptimoveEvent } from '../../../shared/events/validate';
import { batchLimitOf, credentialsFor, optimoveRequest, clock } from '../../../shared/transport';
import { inBatches, prepareItems } from '../pairedOutput';
import { fieldReader } from '../parameters';

/**
 * Requests in flight at once. Optimove allows 10 000 requests/s per tenant, so a few parallel
 * requests only hide round-trip latency; rate-limited events are still paced by the limiter.
 */
export const REQUESTS_IN_FLIGHT = 8;

type Build = (input: EventInput, tenant: number, now: number) => OptimoveEvent;

/** The identity and time an item's own fields give (Parameters From: Item Fields). */
export interface ItemFieldNames {
	customer: string;
	visitor: string;
	time: string;
}

export function readItemFieldNames(ctx: IExecuteFunctions): ItemFieldNames {
	return {
		customer: String(ctx.getNodeParameter('customerField', 0, 'customer')),
		visitor: String(ctx.getNodeParameter('visitorField', 0, 'visitor')),
		time: String(ctx.getNodeParameter('timeField', 0, 'timestamp')),
	};
}

/** The identity and time set by the node's fields, read per item without evaluating plain field references. */
export function identityReader(ctx: IExecuteFunctions): (itemIndex: number) => Pick<EventInput, 'customer' | 'visitor' | 'time'> {
	const identifyBy = fieldReader(ctx, 'identifyBy', 'customer');
	const identity = fieldReader(ctx, 'identity', '');
	const eventTime = fieldReader(ctx, 'eventTime', '');
	return (itemIndex) => ({ [identifyBy(itemIndex) === 'visitor' ? 'visitor' : 'customer']: identity(itemIndex), time: eventTime(itemIndex) });
}

function acknowledged(body: unknown): { ok: boolean; message: string } {
	const record = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const message = typeof record.message === 'string' ? record.message : typeof body === 'string' ? body : '';
	return { ok: record.status === 'success', message };
}

/**
 * Validates every item into an event, then sends them in signed requests of at most 10 (the route's batch limit). Events
 * Optimove rate-limits (registration, user details update) never share a request with others and
 * go at most 50 requests per 10 s; a 200 whose body is not `"status":"success"` fails its batch.
 */
export async function sendEvents(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	readInput: (itemIndex: number) => EventInput,
	build: Build,
): Promise<INodeExecutionData[]> {
	const credentials = await credentialsFor(ctx, 'optimoveEventsApi');
	const tenant = Number(credentials.tenantId);
	const now = clock.now();
	const prepared = prepareItems(items, (itemIndex) => {
		try {
			return build(readInput(itemIndex), tenant, now);
		} catch (error) {
			if (error instanceof EventValidationError) {
				throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${error.message}`, { itemIndex });
			}
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
	});
	const eventOf = new Map<number, OptimoveEvent>();
	for (const p of prepared) if ('entry' in p) eventOf.set(p.itemIndex, p.entry);
	return inBatches(
		ctx,
		prepared,
		batchLimitOf('sendEvents'),
		async (events, itemIndexes) => {
			const limited = RATE_LIMITED_EVENTS.has(events[0].event);
			// Rate-limited events count against the events group's limit per tenant (the transport's table).
			const { body } = await optimoveRequest.call(ctx, {
				route: 'sendEvents',
				body: events,
				itemIndex: itemIndexes[0],
				limitKey: limited ? String(tenant) : undefined,
			});
			const ack = acknowledged(body);
			if (!ack.ok) {
				throw new NodeOperationError(ctx.getNode(), `Optimove rejected the request with these events: ${ack.message || JSON.stringify(body)}`, {
					itemIndex: itemIndexes[0],
					description: 'Optimove answered 200 without "status":"success": none of the events in this request was accepted.',
				});
			}
			return {
				sent: (itemIndex, batch) => {
					const event = eventOf.get(itemIndex) as OptimoveEvent;
					const identity = event.customer !== undefined ? { customer: event.customer } : { visitor: event.visitor };
					return { tenant: event.tenant, timestamp: event.timestamp, event: event.event, ...identity, context: event.context, sent: true, batch, acknowledgement: ack.message };
				},
			};
		},
		// Each rate-limited event type goes in requests of its own (a registration never shares one with
		// a user details update or a deposit); the other events may share requests whatever their type.
		{ groupBy: (event) => (RATE_LIMITED_EVENTS.has(event.event) ? event.event : ''), concurrency: REQUESTS_IN_FLIGHT },
	);
}
