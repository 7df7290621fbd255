import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IPairedItemData } from 'n8n-workflow';
import { optimoveTimestamp } from '../../../shared/time';
import { batchLimitOf, optimoveRequest, clock } from '../../../shared/transport';
import { optionsField } from '../common/fields';
import { itemParameter, readBoolean, readInteger, readText } from '../parameters';
import { sendAsBatchesFill } from '../pairedOutput';
import { approveCustomerLists } from './approveCustomerLists';
import type { Guard } from './deadline';
import { deadlineOptions, enforceDeadline, readGuard } from './deadline';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'input',
		type: 'options',
		default: 'item',
		options: [
			{
				name: 'One Customer per Item',
				value: 'item',
				description: 'Each input item reports one customer (e.g. after Get Processed Customers, one item per customer)',
			},
			{
				name: 'Customer List per Item',
				value: 'list',
				description:
					'Each input item carries a list of customers (e.g. a page from Get Processed Customers, scrubbed by a Code node): fastest for very large campaigns',
			},
		],
	},
	{
		displayName: 'Customers Field Name',
		name: 'customersField',
		type: 'string',
		default: 'customers',
		displayOptions: { show: { input: ['list'] } },
		description:
			'The item field holding the list. Entries are customer IDs, or objects with CustomerID and an optional boolean "approved" (or "Approved") that overrides the Approved switch.',
	},
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '={{ $json.CampaignID }}',
		description: 'The campaign each item approves a customer for; items of several campaigns are sent per campaign',
	},
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '={{ $json.CustomerID }}',
		displayOptions: { show: { input: ['item'] } },
		description: 'The customer to report; numbers are sent as text',
	},
	{
		displayName: 'Approved',
		name: 'approved',
		type: 'boolean',
		default: true,
		description:
			'Whether Optimove may send the campaign to this customer (true) or must skip them (false). Customers never reported count as rejected.',
	},
	{
		displayName: 'Clearance Required By',
		name: 'clearanceRequiredBy',
		type: 'string',
		default: '',
		placeholder: "={{ $('Optimove Trigger').first().json.clearanceRequiredBy }}",
		description:
			'When Optimove needs the approvals (the notification\'s ClearanceRequiredBy: "YYYY-MM-DD HH:MM:SS" UTC, ISO 8601 or epoch). Approvals that would arrive later are not sent and fail; unreported customers count as rejected. Empty: no check. Read from the trigger with .first() as shown, it is evaluated once per run; one reading the item (e.g. with .item) is evaluated for every customer.',
	},
	optionsField([
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'customers',
			options: [
				{ name: 'One Item per Customer', value: 'customers' },
				{ name: 'Summary per Campaign', value: 'summary', description: 'One item per campaign: approved, rejected, calls' },
			],
		},
		...deadlineOptions('clearance'),
	]),
];

interface Approval extends Guard {
	campaignId: number;
	customerId: string;
	approved: boolean;
}

function readApproval(ctx: IExecuteFunctions, itemIndex: number): Approval {
	const campaignId = readInteger(ctx, itemIndex, 'campaignId', 'Campaign ID');
	const customerId = readText(ctx, itemIndex, 'customerId', 'Customer ID');
	const approved = readBoolean(ctx, itemIndex, 'approved', 'Approved');
	const options = itemParameter(ctx, itemIndex, 'options', {}) as IDataObject;
	const guard = readGuard(ctx, itemIndex, options, 'clearanceRequiredBy', 'Clearance Required By', 'clearance');
	enforceDeadline(ctx, guard, clock.now(), itemIndex);
	return { campaignId, customerId, approved, ...guard };
}

/** One item per campaign from the per-customer results; error items pass through unchanged. */
function summarise(results: INodeExecutionData[]): INodeExecutionData[] {
	const summaries = new Map<number, { json: IDataObject; batches: Set<number>; paired: IPairedItemData[] }>();
	const out: INodeExecutionData[] = [];
	for (const result of results) {
		if (result.json.sent !== true) {
			out.push(result);
			continue;
		}
		const campaignId = result.json.campaignId as number;
		let summary = summaries.get(campaignId);
		if (!summary) {
			summary = { json: { campaignId, approved: 0, rejected: 0, calls: 0, sent: true }, batches: new Set(), paired: [] };
			summaries.set(campaignId, summary);
			out.push({ json: summary.json, pairedItem: summary.paired });
		}
		summary.json[result.json.approved ? 'approved' : 'rejected'] = (summary.json[result.json.approved ? 'approved' : 'rejected'] as number) + 1;
		summary.batches.add(result.json.batch as number);
		summary.json.calls = summary.batches.size;
		summary.paired.push(result.pairedItem as IPairedItemData);
	}
	return out;
}

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('input', 0, 'item') === 'list') {
		return approveCustomerLists.call(this, items, batchLimitOf('updateCustomerPromotionStatus'));
	}
	// Each call leaves as soon as 10 000 customers of a campaign are read, not after every item.
	const results = await sendAsBatchesFill(this, items.length, {
		size: batchLimitOf('updateCustomerPromotionStatus'),
		read: (itemIndex) => readApproval(this, itemIndex),
		groupBy: (entry) => entry.campaignId,
		send: async (entries, itemIndexes) => {
			// The guard again as the call leaves: its first customers may have been read long before
			// (a batch fills slowly when every item evaluates an expression).
			const now = clock.now();
			let latest: number | undefined;
			for (const entry of entries) {
				const sendBy = enforceDeadline(this, entry, now, itemIndexes[0], { itemPrefix: false });
				if (sendBy !== undefined) latest = latest === undefined ? sendBy : Math.min(latest, sendBy);
			}
			await optimoveRequest.call(this, {
				route: 'updateCustomerPromotionStatus',
				body: {
					TimeStamp: optimoveTimestamp(now),
					CampaignID: entries[0].campaignId,
					PromosUpdated: entries.map((e) => ({ CustomerID: e.customerId, Status: e.approved })),
				},
				deadline: latest,
				itemIndex: itemIndexes[0],
			});
		},
		output: (e, batch) => ({ customerId: e.customerId, campaignId: e.campaignId, approved: e.approved, sent: true, batch }),
	});
	const output = (itemParameter(this, 0, 'options', {}) as IDataObject).output;
	return output === 'summary' ? summarise(results) : results;
}

export const approveCustomers: Operation = {
	value: 'approveCustomers',
	name: 'Approve Customers',
	action: 'Approve customers of a scheduled campaign',
	description: 'Report which customers of a scheduled campaign may receive it (one customer per item, sent in calls of up to 10,000)',
	properties,
	execute,
};
