import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';
import { optimoveTimestamp } from '../../../shared/time';
import { chunk, optimoveRequest, clock } from '../../../shared/transport';
import { fieldError, itemParameter, readBoolean, readInteger } from '../parameters';
import { perItem } from '../pairedOutput';
import { enforceDeadline, readGuard } from './deadline';

interface PromoUpdate {
	CustomerID: string;
	Status: boolean;
}

/** One list entry: an ID, or an object with CustomerID and an optional approved flag. */
function toUpdate(entry: unknown, approvedByDefault: boolean): PromoUpdate | string {
	if (typeof entry === 'string' && entry.trim() !== '') return { CustomerID: entry.trim(), Status: approvedByDefault };
	if (typeof entry === 'number' && Number.isFinite(entry)) return { CustomerID: String(entry), Status: approvedByDefault };
	if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return 'is not a customer ID or an object with CustomerID';
	const record = entry as IDataObject;
	const id = record.CustomerID ?? record.customerId ?? record.CustomerId;
	if (!(typeof id === 'string' && id.trim() !== '') && !(typeof id === 'number' && Number.isFinite(id))) {
		return 'has no CustomerID (text or number)';
	}
	const flag = record.approved ?? record.Approved;
	if (flag !== undefined && typeof flag !== 'boolean') return `has "approved" ${JSON.stringify(flag)}: use true or false`;
	return { CustomerID: String(id).trim(), Status: flag === undefined ? approvedByDefault : flag };
}

/**
 * Approve Customers with a customer list per item: one item per page of a large campaign, so no
 * per-customer item or expression is needed. Lists are sent in calls of at most `perCall`.
 */
export async function approveCustomerLists(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	perCall: number,
): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const campaignId = readInteger(this, itemIndex, 'campaignId', 'Campaign ID');
		const approvedByDefault = readBoolean(this, itemIndex, 'approved', 'Approved');
		const field = String(this.getNodeParameter('customersField', itemIndex, 'customers'));
		const list = items[itemIndex].json[field];
		if (!Array.isArray(list)) {
			throw fieldError(this, itemIndex, `field "${field}"`, 'must hold a list of customers: set Customers Field Name to the field with the list');
		}
		const updates: PromoUpdate[] = [];
		list.forEach((entry, position) => {
			const update = toUpdate(entry, approvedByDefault);
			if (typeof update === 'string') throw fieldError(this, itemIndex, `${field}[${position}]`, update);
			updates.push(update);
		});

		const options = itemParameter(this, itemIndex, 'options', {}) as IDataObject;
		const guard = readGuard(this, itemIndex, options, 'clearanceRequiredBy', 'Clearance Required By', 'clearance');

		const calls = chunk(updates, perCall);
		for (let call = 0; call < calls.length; call++) {
			const now = clock.now();
			const accepted = call * perCall;
			const sendBy = enforceDeadline(this, guard, now, itemIndex, {
				description: `${accepted} of ${updates.length} customers of this item were reported before the deadline.`,
			});
			try {
				await optimoveRequest.call(this, {
					route: 'updateCustomerPromotionStatus',
					body: { TimeStamp: optimoveTimestamp(now), CampaignID: campaignId, PromosUpdated: calls[call] },
					deadline: sendBy,
					itemIndex,
				});
			} catch (failure) {
				const error = failure as NodeOperationError;
				error.description = [error.description, `${accepted} of ${updates.length} customers of this item were accepted before this call failed.`]
					.filter(Boolean)
					.join(' ');
				throw error;
			}
		}
		const approved = updates.filter((u) => u.Status).length;
		return { campaignId, approved, rejected: updates.length - approved, calls: calls.length, sent: true };
	});
}
