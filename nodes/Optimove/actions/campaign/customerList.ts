import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { RouteName } from '../../../shared/transport';
import { optimoveRequest, pages, pageSizeOf } from '../../../shared/transport';
import { readInteger, readNameList } from '../parameters';
import { perItem } from '../pairedOutput';
import { campaignIdField, channelIdField, limitField, readLimit, returnAllField } from '../common/fields';
import { customerAttributesField, outputModeField } from './fields';

/** One of Optimove's paged customer lists of a campaign. */
export interface CustomerListSpec {
	route: RouteName;
	/** Whether the list is per execution channel (ChannelID in the query). */
	channel: boolean;
	/** Whether the list can carry customer attributes. */
	attributes: boolean;
}

/** Optimove answers attributes as a positional array (or delimited text) in the order asked. */
export function namedAttributes(names: string[], values: unknown): IDataObject {
	const list = Array.isArray(values) ? values : typeof values === 'string' ? values.split(';') : [];
	const named: IDataObject = {};
	names.forEach((name, i) => {
		named[name] = (list[i] ?? null) as IDataObject[string];
	});
	return named;
}

function customerOf(row: IDataObject, campaignId: number, names: string[]): IDataObject {
	const customer: IDataObject = { CampaignID: campaignId, ...row };
	if (names.length > 0) customer.CustomerAttributes = namedAttributes(names, row.CustomerAttributes);
	return customer;
}

/** The fields of a customer-list operation. */
export function customerListProperties(spec: CustomerListSpec): INodeProperties[] {
	return [
		campaignIdField,
		...(spec.channel ? [channelIdField] : []),
		...(spec.attributes ? [customerAttributesField] : []),
		returnAllField,
		limitField,
		outputModeField,
	];
}

/** Reads one customer list for every item: paged, with named attributes, per customer or per page. */
export async function readCustomerList(ctx: IExecuteFunctions, items: INodeExecutionData[], spec: CustomerListSpec): Promise<INodeExecutionData[]> {
	return perItem(ctx, items, async (itemIndex) => {
		const campaignId = readInteger(ctx, itemIndex, 'campaignId', 'Campaign ID');
		const query: IDataObject = { CampaignID: campaignId };
		if (spec.channel) query.ChannelID = readInteger(ctx, itemIndex, 'channelId', 'Channel');
		const names = spec.attributes ? readNameList(ctx, itemIndex, 'customerAttributes', 'Customer Attributes') : [];
		if (names.length > 0) {
			query.CustomerAttributes = names.join(';');
			query.CustomerAttributesDelimiter = ';';
		}
		const limit = readLimit(ctx, itemIndex);
		const perPage = ctx.getNodeParameter('output', itemIndex, 'customers') === 'pages';

		const fetchPage = async (top: number, skip: number) => {
			const { body } = await optimoveRequest.call(ctx, {
				route: spec.route,
				query: { ...query, $top: top, $skip: skip },
				itemIndex,
			});
			return (Array.isArray(body) ? body : []) as IDataObject[];
		};
		const out: IDataObject[] = [];
		let page = 0;
		for await (const rows of pages(fetchPage, { pageSize: pageSizeOf(spec.route), limit })) {
			const customers = rows.map((row) => customerOf(row, campaignId, names));
			page++;
			if (perPage) out.push({ CampaignID: campaignId, page, count: customers.length, customers });
			else for (const customer of customers) out.push(customer);
		}
		return out;
	});
}
