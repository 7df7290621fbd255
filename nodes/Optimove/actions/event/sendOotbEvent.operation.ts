import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { CONTEXT_PREFIX, OOTB_EVENT_BY_NAME, OOTB_EVENTS, PARAMS_OF_EVENT } from '../../../shared/events/catalogue';
import { buildOotbEvent } from '../../../shared/events/validate';
import type { EventInput } from '../../../shared/events/validate';
import { additionalParameters, identityFields, itemFieldNames, MANDATORY_FIELD_PREFIX, mandatoryFields } from './fields';
import { collectionReaders, fieldReader } from './read';
import { identityReader, readItemFieldNames, sendEvents } from './send';

export const description: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: OOTB_EVENTS.map((e) => ({ name: e.label, value: e.name, description: `${e.name} — verticals: ${e.verticals}` })).sort((a, b) =>
			a.name.localeCompare(b.name),
		),
		default: 'ootb_registration',
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const event = this.getNodeParameter('event', 0) as string;
	const known = PARAMS_OF_EVENT.get(event) ?? new Set<string>();
	const fromItem = this.getNodeParameter('parametersFrom', 0, 'fields') === 'item';
	if (!fromItem) return sendEvents(this, items, fieldsReader(this, event), buildOotbEvent);
	const names = readItemFieldNames(this);
	const readInput = (itemIndex: number): EventInput => {
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
	return sendEvents(this, items, readInput, buildOotbEvent);
}
