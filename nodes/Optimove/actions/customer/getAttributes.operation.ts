import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest } from '../../../shared/transport';
import { readText } from '../parameters';
import { perItem } from '../pairedOutput';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		description: 'The customer whose attributes to read; numbers are sent as text',
	},
];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const customerId = readText(this, itemIndex, 'customerId', 'Customer ID');
		const { body } = await optimoveRequest.call(this, {
			route: 'getCustomerAttributes',
			pathParams: { customerId },
			itemIndex,
		});
		const fields = Array.isArray(body) ? (body as IDataObject[]) : [];
		const attributes: IDataObject = {};
		for (const field of fields) attributes[String(field.RealFieldName)] = field.Value ?? null;
		return { customerId, attributes, fields };
	});
}

export const getAttributes: Operation = {
	value: 'getAttributes',
	name: 'Get Attributes',
	action: 'Get customer attributes',
	description: "Get a customer's attributes",
	properties,
	execute,
};
