import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as approveCustomers from './approveCustomers.operation';
import * as sendTriggeredApproval from './sendTriggeredApproval.operation';
import * as verifyTriggeredNotification from './verifyTriggeredNotification.operation';
import { getTriggeredSettings, updateTriggeredSettings } from './settings';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['conditionalExecution'] } },
	options: [
		{
			name: 'Approve Customers',
			value: 'approveCustomers',
			description:
				'Report which customers of a scheduled campaign may receive it (one customer per item, sent in calls of up to 10,000)',
			action: 'Approve customers of a scheduled campaign',
		},
		{
			name: 'Get Triggered Settings',
			value: 'getTriggeredSettings',
			description: "Get the tenant's triggered conditional-execution settings (the secret is masked)",
			action: 'Get triggered settings',
		},
		{
			name: 'Send Triggered Approval',
			value: 'sendTriggeredApproval',
			description: 'Answer a triggered conditional-execution notification before its deadline',
			action: 'Send a triggered approval',
		},
		{
			name: 'Update Triggered Settings',
			value: 'updateTriggeredSettings',
			description: "Set the tenant's approval timeout and signing secret",
			action: 'Update triggered settings',
		},
		{
			name: 'Verify Triggered Notification',
			value: 'verifyTriggeredNotification',
			description:
				"Check the signature and age of a triggered notification received by n8n's Webhook node, and output it as the Optimove Trigger would",
			action: 'Verify a triggered notification',
		},
	],
	default: 'approveCustomers',
};

export const conditionalExecution: ResourceModule = {
	operationProperty,
	operations: { approveCustomers, getTriggeredSettings, sendTriggeredApproval, updateTriggeredSettings, verifyTriggeredNotification },
};
