import { defineResource } from '../types';
import { approveCustomers } from './approveCustomers.operation';
import { getTriggeredSettings } from './getTriggeredSettings.operation';
import { sendTriggeredApproval } from './sendTriggeredApproval.operation';
import { updateTriggeredSettings } from './updateTriggeredSettings.operation';
import { verifyTriggeredNotification } from './verifyTriggeredNotification.operation';

export const conditionalExecution = defineResource(
	'conditionalExecution',
	[approveCustomers, getTriggeredSettings, sendTriggeredApproval, updateTriggeredSettings, verifyTriggeredNotification],
	'approveCustomers',
);
