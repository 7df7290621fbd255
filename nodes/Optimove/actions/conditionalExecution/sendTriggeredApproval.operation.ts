import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { optimoveRequest, clock } from '../../../shared/transport';
import { optionsField } from '../common/fields';
import { itemParameter, readBoolean, readObject, readText } from '../parameters';
import { perItem } from '../pairedOutput';
import { deadlineOptions, enforceDeadline, readGuard } from './deadline';
import type { Operation } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Request UID',
		name: 'requestUid',
		type: 'string',
		required: true,
		default: '={{ $json.requestUid }}',
		description: "The notification's request_uid",
	},
	{
		displayName: 'Approved',
		name: 'approved',
		type: 'boolean',
		default: true,
		description:
			'Whether Optimove may send the triggered campaign to this customer. Optimove honours the first answer only; a customer not answered before the deadline counts as rejected.',
	},
	{
		displayName: 'Approval Deadline',
		name: 'approvalDeadline',
		type: 'string',
		default: '={{ $json.approvalDeadline }}',
		description:
			"The notification's conditional_execution_approval_deadline (epoch ms or ISO 8601). An approval that would arrive later is not sent and the item fails. Empty: no check.",
	},
	optionsField([
		{
			displayName: 'Additional Data (JSON)',
			name: 'additionalData',
			type: 'json',
			default: '{}',
			description: 'Sent to Optimove as additional_data',
		},
		...deadlineOptions('triggered'),
	]),
];

async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return perItem(this, items, async (itemIndex) => {
		const requestUid = readText(this, itemIndex, 'requestUid', 'Request UID');
		const approved = readBoolean(this, itemIndex, 'approved', 'Approved');
		const options = itemParameter(this, itemIndex, 'options', {}) as IDataObject;
		const additionalData = options.additionalData === undefined ? {} : readObject(this, itemIndex, 'options.additionalData', 'Additional Data');
		const guard = readGuard(this, itemIndex, options, 'approvalDeadline', 'Approval Deadline', 'triggered');
		const now = clock.now();
		const sendBy = enforceDeadline(this, guard, now, itemIndex);
		const { status } = await optimoveRequest.call(this, {
			route: 'sendWebhookApproval',
			body: { timestamp: now, request_uid: requestUid, approved, additional_data: additionalData },
			// Retries stop once they could no longer reach Optimove before the deadline.
			deadline: sendBy,
			itemIndex,
		});
		return { requestUid, approved, sent: true, status };
	});
}

export const sendTriggeredApproval: Operation = {
	value: 'sendTriggeredApproval',
	name: 'Send Triggered Approval',
	action: 'Send a triggered approval',
	description: 'Answer a triggered conditional-execution notification before its deadline',
	properties,
	execute,
};
