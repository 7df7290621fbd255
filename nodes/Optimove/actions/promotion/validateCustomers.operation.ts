import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { optionsField } from '../common/fields';
import { readObject, readText } from '../parameters';
import { inBatches, prepareItems } from '../pairedOutput';
import type { Operation } from '../types';

/** Contexts per validateCustomers call by default (the API's own maximum is not public). */
export const DEFAULT_CONTEXTS_PER_CALL = 100;

const properties: INodeProperties[] = [
	{
		displayName: 'Promocode ID',
		name: 'promocodeId',
		type: 'string',
		required: true,
		default: '',
		description: 'The promotion code to validate the customers against; items of several promocodes are sent per promocode',
	},
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '={{ $json.CustomerID }}',
		description: "Sent as the context's customerId; numbers are sent as text",
	},
	optionsField([
		{
			displayName: 'Additional Context (JSON)',
			name: 'context',
			type: 'json',
			default: '{}',
			description: "More fields of this item's validation context, merged with the customer ID",
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: DEFAULT_CONTEXTS_PER_CALL,
			description: 'Contexts per call',
		},
		{
			displayName: 'Campaign Data (JSON)',
			name: 'campaignData',
			type: 'json',
			default: '{}',
			description: 'Sent as campaignData; items with different campaign data go in different calls',
		},
	]),
];

interface Validation {
	promocodeId: string;
	context: IDataObject;
	campaignData: IDataObject;
	group: string;
}

function readValidation(ctx: IExecuteFunctions, itemIndex: number): Validation {
	const promocodeId = readText(ctx, itemIndex, 'promocodeId', 'Promocode ID');
	const customerId = readText(ctx, itemIndex, 'customerId', 'Customer ID');
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const extra = options.context === undefined ? {} : readObject(ctx, itemIndex, 'options.context', 'Additional Context');
	const campaignData =
		options.campaignData === undefined ? {} : readObject(ctx, itemIndex, 'options.campaignData', 'Campaign Data');
	return {
		promocodeId,
		context: { ...extra, customerId },
		campaignData,
		group: JSON.stringify([promocodeId, campaignData]),
	};
}

function resultsOf(body: unknown): IDataObject[] | undefined {
	if (Array.isArray(body)) return body as IDataObject[];
	const wrapped = (body as IDataObject | undefined)?.results;
	return Array.isArray(wrapped) ? (wrapped as IDataObject[]) : undefined;
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const prepared = prepareItems(items, (itemIndex) => readValidation(this, itemIndex));
	const size = Number((this.getNodeParameter('options', 0, {}) as IDataObject).batchSize ?? DEFAULT_CONTEXTS_PER_CALL);
	return inBatches(
		this,
		prepared,
		size,
		async (entries, itemIndexes) => {
			const { body } = await optimoveRequest.call(this, {
				route: 'validatePromotionCustomers',
				pathParams: { promocodeId: entries[0].promocodeId },
				body: { contexts: entries.map((e) => e.context), campaignData: entries[0].campaignData },
				itemIndex: itemIndexes[0],
			});
			const results = resultsOf(body);
			if (!results || results.length !== entries.length) {
				throw new Error(
					`Optimove answered ${results ? results.length : 'no list of'} results for ${entries.length} contexts: the results cannot be matched to the items`,
				);
			}
			const resultOf = new Map(itemIndexes.map((itemIndex, i) => [itemIndex, { entry: entries[i], result: results[i] }]));
			return {
				sent: (itemIndex, batch) => {
					const { entry, result } = resultOf.get(itemIndex) as { entry: Validation; result: IDataObject };
					return { promocodeId: entry.promocodeId, customerId: entry.context.customerId, ...result, batch };
				},
			};
		},
		{ groupBy: (entry) => entry.group },
	);
}

export const validateCustomers: Operation = {
	value: 'validateCustomers',
	name: 'Validate Customers',
	action: 'Validate customers for a promotion',
	description: 'Check which customers a promotion code applies to and what reward each gets (one customer per item)',
	properties,
	execute,
};
