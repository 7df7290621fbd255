import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { optimoveRequest, runtime } from '../../../shared/transport';
import { fieldError, readBoolean, readInteger, readText } from '../itemValues';
import { inBatches, prepareItems } from '../runner';
import { approveCustomerLists } from './approveCustomerLists';
import { deadlineOptions, DEFAULT_SAFETY_MARGIN_MS, lateReason, parseDeadline } from './deadline';

/** Optimove takes at most this many customers per UpdateCustomerPromotionStatus call. */
export const APPROVALS_PER_CALL = 10_000;

export const description: INodeProperties[] = [
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
		placeholder: "={{ $('Optimove Trigger').item.json.clearanceRequiredBy }}",
		description:
			'When Optimove needs the approvals (the notification\'s ClearanceRequiredBy: "YYYY-MM-DD HH:MM:SS" UTC, ISO 8601 or epoch). Approvals that would arrive later are not sent and fail; unreported customers count as rejected. Empty: no check.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
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
		],
	},
];

interface Approval {
	campaignId: number;
	customerId: string;
	approved: boolean;
	/** Epoch ms the approval is guarded by; undefined when unguarded (none given, or Send Even If Late). */
	deadline?: number;
	marginMs: number;
}

/** Optimove's naive UTC timestamp, `YYYY-MM-DD HH:MM:SS`. */
export function optimoveTimestamp(epochMs: number): string {
	return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

function readApproval(ctx: IExecuteFunctions, itemIndex: number): Approval {
	const campaignId = readInteger(ctx, itemIndex, 'campaignId', 'Campaign ID');
	const customerId = readText(ctx, itemIndex, 'customerId', 'Customer ID');
	const approved = readBoolean(ctx, itemIndex, 'approved', 'Approved');
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const marginMs = Number(options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS.clearance);
	const { at, error } = parseDeadline(ctx.getNodeParameter('clearanceRequiredBy', itemIndex, ''));
	if (error) throw fieldError(ctx, itemIndex, 'Clearance Required By', error);
	const deadline = options.sendLate === true ? undefined : at;
	const late = deadline === undefined ? undefined : lateReason(deadline, runtime.now(), marginMs);
	if (late) throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${late}`, { itemIndex });
	return { campaignId, customerId, approved, deadline, marginMs };
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('input', 0, 'item') === 'list') {
		return approveCustomerLists.call(this, items, APPROVALS_PER_CALL, optimoveTimestamp);
	}
	const prepared = prepareItems(items, (itemIndex) => readApproval(this, itemIndex));
	const byItem = new Map<number, Approval>();
	for (const p of prepared) if ('entry' in p) byItem.set(p.itemIndex, p.entry);

	const results = await inBatches(
		this,
		prepared,
		APPROVALS_PER_CALL,
		async (entries, itemIndexes) => {
			const guarded = entries.filter((e) => e.deadline !== undefined);
			const now = runtime.now();
			let latest: number | undefined;
			for (const entry of guarded) {
				const late = lateReason(entry.deadline as number, now, entry.marginMs);
				if (late) throw new NodeOperationError(this.getNode(), late, { itemIndex: itemIndexes[0] });
				const sendBy = (entry.deadline as number) - entry.marginMs;
				latest = latest === undefined ? sendBy : Math.min(latest, sendBy);
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
			return {
				sent: (itemIndex, batch) => {
					const e = byItem.get(itemIndex) as Approval;
					return { customerId: e.customerId, campaignId: e.campaignId, approved: e.approved, sent: true, batch };
				},
			};
		},
		{ groupBy: (entry) => entry.campaignId },
	);
	const output = (this.getNodeParameter('options', 0, {}) as IDataObject).output;
	return output === 'summary' ? summarise(results) : results;
}
