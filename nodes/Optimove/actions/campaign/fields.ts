import type { INodeProperties } from 'n8n-workflow';

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
