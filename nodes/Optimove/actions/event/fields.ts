import type { INodeProperties } from 'n8n-workflow';
import { CONTEXT_PREFIX, OOTB_EVENTS, paramType } from '../../../shared/events/catalogue';

// Field names and their UI, generated from the event catalogue.

function title(name: string): string {
	return name
		.split('_')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

function hint(name: string): string {
	const type = paramType(name);
	if (typeof type === 'object') return `One of: ${type.oneOf.join(', ')}`;
	const hints: Record<string, string> = {
		number: 'A number',
		boolean: 'A real boolean (true/false)',
		yesNo: '"Yes" or "No"',
		timestamp: 'A time (ISO 8601, epoch or Optimove format); sent as ISO-8601 UTC',
		date: 'A date, YYYY-MM-DD',
		string: `Text, at most 255 characters`,
	};
	return `${CONTEXT_PREFIX}${name}. ${hints[type]}.`;
}

/** Every parameter name mapped to the events that use it, mandatory or optional. */
function eventsBy(select: 'mandatory' | 'optional'): Map<string, string[]> {
	const map = new Map<string, string[]>();
	for (const event of OOTB_EVENTS) {
		for (const name of event[select]) map.set(name, [...(map.get(name) ?? []), event.name]);
	}
	return map;
}

export const MANDATORY_FIELD_PREFIX = 'mandatory_';

/** One required field per mandatory parameter, shown for the events that need it. */
export const mandatoryFields: INodeProperties[] = [...eventsBy('mandatory')].map(([name, events]) => ({
	displayName: title(name),
	name: `${MANDATORY_FIELD_PREFIX}${name}`,
	type: 'string',
	required: true,
	default: '',
	description: `${hint(name)} Required (primary key or mandatory)`,
	displayOptions: { show: { eventSource: ['fixed'], event: events, parametersFrom: ['fields'] } },
}));

/** The optional parameters, each offered only for the events that have it. */
export const additionalParameters: INodeProperties = {
	displayName: 'Additional Parameters',
	name: 'additionalParameters',
	type: 'collection',
	placeholder: 'Add Parameter',
	default: {},
	displayOptions: { show: { eventSource: ['fixed'], parametersFrom: ['fields'] } },
	options: [...eventsBy('optional')]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, events]) => ({
			displayName: title(name),
			name,
			type: 'string',
			default: '',
			description: hint(name),
			displayOptions: { show: { '/event': events } },
		})),
};

/** Define Below when each item names its own event: the fields cannot follow one event, so parameters are name/value pairs. */
export const perItemParameters: INodeProperties = {
	displayName: 'Parameters',
	name: 'eventParameters',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Parameter',
	default: {},
	description: "Each item's parameters, checked against its own event: its mandatory ones must be present, and one it does not take is an item error unless its value is empty (so one list can serve several events)",
	displayOptions: { show: { eventSource: ['perItem'], parametersFrom: ['fields'] } },
	options: [
		{
			displayName: 'Parameter',
			name: 'parameter',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. ootb_transaction_id', description: 'With or without the ootb_ prefix' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
};

export const identityFields = (modes: string[]): INodeProperties[] => [
	{
		displayName: 'Identify By',
		name: 'identifyBy',
		type: 'options',
		options: [
			{ name: 'Customer ID', value: 'customer' },
			{ name: 'Visitor ID', value: 'visitor', description: 'An anonymous visitor, before registration' },
		],
		default: 'customer',
		displayOptions: { show: { parametersFrom: modes } },
	},
	{
		displayName: 'ID',
		name: 'identity',
		type: 'string',
		required: true,
		default: '={{ $json.customer }}',
		description: 'The customer or visitor ID, as known to Optimove',
		displayOptions: { show: { parametersFrom: modes } },
	},
	{
		displayName: 'Event Time',
		name: 'eventTime',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2024-05-27T12:30:00+02:00',
		description:
			'When it happened: ISO 8601 with any offset, epoch seconds or milliseconds, or Optimove\'s "YYYY-MM-DD HH:MM:SS UTC". Empty: now. Sent as UTC "YYYY-MM-DD HH:MM:SS.ssssss UTC"; Optimove ingests by event time.',
		displayOptions: { show: { parametersFrom: modes } },
	},
];

export const itemFieldNames: INodeProperties[] = [
	{
		displayName: 'Customer ID Field',
		name: 'customerField',
		type: 'string',
		default: 'customer',
		description: 'Item field holding the customer ID (give it, or the visitor field, on every item)',
		displayOptions: { show: { parametersFrom: ['item'] } },
	},
	{
		displayName: 'Visitor ID Field',
		name: 'visitorField',
		type: 'string',
		default: 'visitor',
		displayOptions: { show: { parametersFrom: ['item'] } },
	},
	{
		displayName: 'Event Time Field',
		name: 'timeField',
		type: 'string',
		default: 'timestamp',
		description: 'Item field holding the event time; a missing value means now',
		displayOptions: { show: { parametersFrom: ['item'] } },
	},
];
