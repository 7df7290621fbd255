import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { buildCustomEvent } from '../../../shared/events/validate';
import type { EventInput } from '../../../shared/events/validate';
import { identityFields, itemFieldNames } from './fields';
import { fieldReader, pairsReader } from '../parameters';
import { identityReader, readItemFieldNames, sendEvents } from './send';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Event Key',
		name: 'eventKey',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. loyalty_tier_changed',
		description: 'The custom event as configured in Optimove (snake_case)',
	},
	{
		displayName: 'Parameters From',
		name: 'parametersFrom',
		type: 'options',
		options: [
			{ name: 'Item Fields', value: 'item', description: "All of the item's fields except the ID and time fields" },
			{ name: 'JSON', value: 'json' },
			{ name: 'Key/Value Pairs', value: 'keyValue' },
		],
		default: 'keyValue',
	},
	...identityFields(['json', 'keyValue']),
	...itemFieldNames,
	{
		displayName: 'Parameters (JSON)',
		name: 'parametersJson',
		type: 'json',
		default: '{}',
		description: 'An object of snake_case names to text (≤ 255 characters), numbers, booleans or null',
		displayOptions: { show: { parametersFrom: ['json'] } },
	},
	{
		displayName: 'Parameters',
		name: 'parameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		displayOptions: { show: { parametersFrom: ['keyValue'] } },
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'A snake_case name' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
];

/** Parameters (JSON): an object, or text that parses to one. */
function jsonReader(ctx: IExecuteFunctions): (itemIndex: number) => Record<string, unknown> {
	const read = fieldReader(ctx, 'parametersJson', '{}');
	return (itemIndex) => jsonParameters(ctx, itemIndex, read(itemIndex));
}

function jsonParameters(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): Record<string, unknown> {
	let value = raw;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value || '{}');
		} catch {
			throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: Parameters (JSON) is not valid JSON`, { itemIndex });
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: Parameters (JSON) must be an object`, { itemIndex });
	}
	return value as Record<string, unknown>;
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const mode = this.getNodeParameter('parametersFrom', 0, 'keyValue') as string;
	const eventKey = fieldReader(this, 'eventKey', '');
	if (mode === 'item') {
		const names = readItemFieldNames(this);
		const fromItem = (itemIndex: number): EventInput => {
			const { [names.customer]: customer, [names.visitor]: visitor, [names.time]: time, ...params } = items[itemIndex].json;
			return { event: String(eventKey(itemIndex)).trim(), customer, visitor, time, params };
		};
		return sendEvents(this, items, fromItem, buildCustomEvent);
	}
	const identity = identityReader(this);
	const params = mode === 'json' ? jsonReader(this) : pairsReader(this, 'parameters');
	const readInput = (itemIndex: number): EventInput => ({
		event: String(eventKey(itemIndex)).trim(),
		...identity(itemIndex),
		params: params(itemIndex),
	});
	return sendEvents(this, items, readInput, buildCustomEvent);
}

export const sendCustomEvent: Operation = {
	value: 'sendCustomEvent',
	name: 'Send Custom Event',
	action: 'Send a custom event',
	description: 'Report a custom server-side event',
	properties,
	execute,
};
