import type { INodeProperties } from 'n8n-workflow';

export const campaignIdField: INodeProperties = {
	displayName: 'Campaign ID',
	name: 'campaignId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '1359',
	description: "The campaign's ID, e.g. the CampaignID of an Optimove Trigger notification",
};

export const channelIdField: INodeProperties = {
	displayName: 'Channel Name or ID',
	name: 'channelId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getExecutionChannels' },
	required: true,
	default: '',
	description:
		'The execution channel. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const customerAttributesField: INodeProperties = {
	displayName: 'Customer Attribute Names or IDs',
	name: 'customerAttributes',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getCustomerAttributes' },
	default: [],
	description:
		'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	hint: 'Read for every customer and output as a named object. An expression may give a list or a text separated by ";".',
};

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

export const outputModeField: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	default: 'customers',
	options: [
		{
			name: 'One Item per Customer',
			value: 'customers',
			description: 'Each customer becomes an item, ready for IF/Switch rules and the Approve Customers operation',
		},
		{
			name: 'One Item per Page',
			value: 'pages',
			description: 'Each page of up to 10,000 customers becomes one item {page, customers: [...]}: far fewer items for very large campaigns',
		},
	],
};
