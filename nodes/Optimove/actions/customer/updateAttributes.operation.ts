import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { batchLimitOf } from '../../../shared/transport';
import { optionsField } from '../common/fields';
import { fieldError, readText } from '../parameters';
import { writeInBatches } from '../pairedOutput';
import type { Operation } from '../types';

/** Optimove takes at most this many attributes per customer in UpdateCustomerAttributes. */
export const ATTRIBUTES_PER_CUSTOMER = 10;

const properties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '={{ $json.CustomerID }}',
		description: 'The customer to update; numbers are sent as text',
	},
	{
		displayName: 'Attributes From',
		name: 'attributesFrom',
		type: 'options',
		default: 'define',
		options: [
			{ name: 'Define Below', value: 'define', description: 'Name/value pairs set here' },
			{
				name: 'All Other Fields of the Item',
				value: 'item',
				description: "Every top-level field of the item except the fields to skip, the field's name being the attribute's name",
			},
		],
	},
	{
		displayName: 'Attributes',
		name: 'attributes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Attribute',
		default: {},
		description: 'Up to 10 attributes per customer',
		displayOptions: { show: { attributesFrom: ['define'] } },
		options: [
			{
				displayName: 'Attribute',
				name: 'attribute',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'VIP_Level',
						description: "The attribute's RealFieldName",
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Fields to Skip',
		name: 'skipFields',
		type: 'string',
		default: 'CustomerID',
		description: 'Comma-separated fields of the item that are not attributes (the customer ID field, for one)',
		displayOptions: { show: { attributesFrom: ['item'] } },
	},
	optionsField([
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			description: 'Optimove posts the outcome of each call here later (isSuccess, errors per customer and field)',
		},
	]),
];

interface CustomerUpdate {
	CustomerID: string;
	Attributes: Array<{ RealFieldName: string; Value: unknown }>;
	callbackUrl: string;
}

function attributePairs(ctx: IExecuteFunctions, items: INodeExecutionData[], itemIndex: number): Array<[string, unknown]> {
	if (ctx.getNodeParameter('attributesFrom', itemIndex, 'define') === 'item') {
		const skip = new Set(
			String(ctx.getNodeParameter('skipFields', itemIndex, 'CustomerID'))
				.split(',')
				.map((name) => name.trim()),
		);
		return Object.entries(items[itemIndex].json).filter(([name]) => !skip.has(name));
	}
	const collection = ctx.getNodeParameter('attributes', itemIndex, {}) as { attribute?: Array<{ name: string; value: unknown }> };
	return (collection.attribute ?? []).map(({ name, value }) => [String(name ?? '').trim(), value]);
}

function readUpdate(ctx: IExecuteFunctions, items: INodeExecutionData[], itemIndex: number): CustomerUpdate {
	const customerId = readText(ctx, itemIndex, 'customerId', 'Customer ID');
	const pairs = attributePairs(ctx, items, itemIndex);
	if (pairs.length === 0) throw fieldError(ctx, itemIndex, 'Attributes', 'are empty: give at least one attribute to update');
	if (pairs.length > ATTRIBUTES_PER_CUSTOMER) {
		throw fieldError(
			ctx,
			itemIndex,
			'Attributes',
			`hold ${pairs.length} attributes (${pairs.map(([name]) => name).join(', ')}); Optimove takes at most ${ATTRIBUTES_PER_CUSTOMER} per customer: split them over several items or skip fields`,
		);
	}
	const names = new Set<string>();
	for (const [name, value] of pairs) {
		if (!name) throw fieldError(ctx, itemIndex, 'Attributes', 'contain an attribute without a name');
		if (names.has(name)) throw fieldError(ctx, itemIndex, `Attribute "${name}"`, 'is given twice: give each attribute once per customer');
		names.add(name);
		if (value !== null && typeof value === 'object') {
			throw fieldError(ctx, itemIndex, `Attribute "${name}"`, 'must be a text, number, boolean or null, not an object or list');
		}
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		CustomerID: customerId,
		Attributes: pairs.map(([RealFieldName, Value]) => ({ RealFieldName, Value: Value ?? null })),
		callbackUrl: typeof options.callbackUrl === 'string' ? options.callbackUrl.trim() : '',
	};
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return writeInBatches(this, items, {
		size: batchLimitOf('updateCustomerAttributes'),
		read: (itemIndex) => readUpdate(this, items, itemIndex),
		// One callback URL per call: items with different URLs go in different calls.
		groupBy: (update) => update.callbackUrl,
		request: (updates) => ({
			route: 'updateCustomerAttributes',
			body: {
				CustomerNewAttributesValuesList: updates.map(({ CustomerID, Attributes }) => ({ CustomerID, Attributes })),
				...(updates[0].callbackUrl ? { CallbackURL: updates[0].callbackUrl } : {}),
			},
		}),
		// What was sent, so downstream nodes (audit, CRM write-back) see the values and not just a count.
		output: (update, response) => ({
			customerId: update.CustomerID,
			attributes: Object.fromEntries(update.Attributes.map(({ RealFieldName, Value }) => [RealFieldName, Value])),
			attributeCount: update.Attributes.length,
			sent: true,
			requestId: (response as IDataObject | undefined)?.requestId ?? null,
		}),
	});
}

export const updateAttributes: Operation = {
	value: 'updateAttributes',
	name: 'Update Attributes',
	action: 'Update customer attributes',
	description: 'Update up to 10 attributes per customer (one customer per item), sent 1,000 customers per call',
	properties,
	execute,
};
