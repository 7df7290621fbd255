import { defineResource } from '../types';
import { getCanceledCustomers } from './getCanceledCustomers.operation';
import { getDetails } from './getDetails.operation';
import { getExecutedCustomers } from './getExecutedCustomers.operation';
import { getProcessedCustomers } from './getProcessedCustomers.operation';

export const campaign = defineResource(
	'campaign',
	[getCanceledCustomers, getDetails, getExecutedCustomers, getProcessedCustomers],
	'getProcessedCustomers',
);
