import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { CONTEXT_PREFIX, OOTB_EVENT_BY_NAME, OOTB_EVENTS, PARAMS_OF_EVENT } from '../../../shared/events/catalogue';
import { buildOotbEvent } from '../../../shared/events/validate';
import type { EventInput } from '../../../shared/events/validate';
import { additionalParameters, identityFields, itemFieldNames, MANDATORY_FIELD_PREFIX, mandatoryFields, perItemParameters } from './fields';
import { collectionReaders, fieldReader, pairsReader } from '../parameters';
import { identityReader, readItemFieldNames, sendEvents } from './send';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Event Source',
		name: 'eventSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'One Event for All Items', value: 'fixed', description: 'Pick the event below; its mandatory fields are shown' },
			{
				name: 'Per Item',
				value: 'perItem',
				description: 'Each item names its own event (an expression or an item field), checked against that event at run time',
			},
		],
		default: 'fixed',
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: OOTB_EVENTS.map((e) => ({ name: e.label, value: e.name, description: `${e.name} — verticals: ${e.verticals}` })).sort((a, b) =>
			a.name.localeCompare(b.name),
		),
		default: 'ootb_registration',
		description: 'To choose the event per item (e.g. from a column that names it), set Event Source to Per Item',
		displayOptions: { show: { eventSource: ['fixed'] } },
	},
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'string',
		required: true,
		default: '={{ $json.event }}',
		placeholder: 'e.g. ootb_deposit',
		description: `The OOTB event of each item, e.g. ootb_deposit (the ootb_ prefix may be left out). One of: ${OOTB_EVENTS.map((e) => e.name).join(', ')}.`,
		displayOptions: { show: { eventSource: ['perItem'] } },
	},
	{
		displayName: 'Parameters From',
		name: 'parametersFrom',
		type: 'options',
		options: [
			{ name: 'Define Below', value: 'fields', description: 'Fields below, usually expressions over the item' },
			{
				name: 'Item Fields',
				value: 'item',
				description:
					"The item's own fields named like the parameters (with or without ootb_), no expression per item: fastest for large volumes",
			},
		],
		default: 'fields',
	},
	...identityFields(['fields']),
	...itemFieldNames,
	...mandatoryFields,
	additionalParameters,
	perItemParameters,
];

/** Readers for Define Below: identity, time, the event's mandatory fields and the additional parameters. */
function fieldsReader(ctx: IExecuteFunctions, event: string): (itemIndex: number) => EventInput {
	const identity = identityReader(ctx);
	const mandatory = (OOTB_EVENT_BY_NAME.get(event)?.mandatory ?? []).map((name) => [name, fieldReader(ctx, `${MANDATORY_FIELD_PREFIX}${name}`, '')] as const);
	const additional = collectionReaders(ctx, 'additionalParameters');
	return (itemIndex) => {
		const params: Record<string, unknown> = {};
		if (additional) for (const [name, read] of additional) params[name] = read(itemIndex);
		else Object.assign(params, ctx.getNodeParameter('additionalParameters', itemIndex, {}) as IDataObject);
		for (const [name, read] of mandatory) params[name] = read(itemIndex);
		return { event, ...identity(itemIndex), params };
	};
}

/** An item's event name: a catalogue name, or one without its ootb_ prefix. Anything else is left for validation to refuse. */
export function ootbEventName(value: unknown): string {
	const name = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
	return !OOTB_EVENT_BY_NAME.has(name) && OOTB_EVENT_BY_NAME.has(CONTEXT_PREFIX + name) ? CONTEXT_PREFIX + name : name;
}

/** The event of each item: the one chosen on the node, or the item's own (Event Source: Per Item). */
function eventReader(ctx: IExecuteFunctions): (itemIndex: number) => string {
	if (ctx.getNodeParameter('eventSource', 0, 'fixed') !== 'perItem') {
		const event = ctx.getNodeParameter('event', 0) as string;
		return () => event;
	}
	const read = fieldReader(ctx, 'eventName', '');
	return (itemIndex) => ootbEventName(read(itemIndex));
}

/** Parameters From: Item Fields — the item's fields that are parameters of its event. */
function itemFieldsReader(ctx: IExecuteFunctions, items: INodeExecutionData[], eventOf: (itemIndex: number) => string): (itemIndex: number) => EventInput {
	const names = readItemFieldNames(ctx);
	return (itemIndex) => {
		const event = eventOf(itemIndex);
		const known = PARAMS_OF_EVENT.get(event) ?? NO_PARAMS;
		const json = items[itemIndex].json;
		const params: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(json)) {
			if (key === names.customer || key === names.visitor || key === names.time) continue;
			// Misspelt ootb_ fields fail validation; other fields of the item are not parameters.
			const bare = key.startsWith(CONTEXT_PREFIX) ? key.slice(CONTEXT_PREFIX.length) : key;
			if (known.has(bare) || key.startsWith(CONTEXT_PREFIX)) params[key] = value;
		}
		return { event, customer: json[names.customer], visitor: json[names.visitor], time: json[names.time], params };
	};
}
const NO_PARAMS = new Set<string>();

/** Define Below with a per-item event: the identity fields and name/value pairs, checked against each item's event. */
function perItemFieldsReader(ctx: IExecuteFunctions, eventOf: (itemIndex: number) => string): (itemIndex: number) => EventInput {
	const identity = identityReader(ctx);
	const params = pairsReader(ctx, 'eventParameters');
	return (itemIndex) => ({ event: eventOf(itemIndex), ...identity(itemIndex), params: params(itemIndex) });
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const fromItem = this.getNodeParameter('parametersFrom', 0, 'fields') === 'item';
	const eventOf = eventReader(this);
	if (fromItem) return sendEvents(this, items, itemFieldsReader(this, items, eventOf), buildOotbEvent);
	if (this.getNodeParameter('eventSource', 0, 'fixed') === 'perItem') return sendEvents(this, items, perItemFieldsReader(this, eventOf), buildOotbEvent);
	return sendEvents(this, items, fieldsReader(this, eventOf(0)), buildOotbEvent);
}

export const sendOotbEvent: Operation = {
	value: 'sendOotbEvent',
	name: 'Send OOTB Event',
	action: 'Send an OOTB event',
	description: "Report one of Optimove's out-of-the-box events",
	properties,
	execute,
};
