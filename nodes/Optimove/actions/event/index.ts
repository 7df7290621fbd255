import type { INodeProperties } from 'n8n-workflow';
import type { ResourceModule } from '../types';
import * as sendCustomEvent from './sendCustomEvent.operation';
import * as sendOotbEvent from './sendOotbEvent.operation';

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['event'] } },
	options: [
		{ name: 'Send Custom Event', value: 'sendCustomEvent', description: 'Report a custom server-side event', action: 'Send a custom event' },
		{ name: 'Send OOTB Event', value: 'sendOotbEvent', description: "Report one of Optimove's out-of-the-box events", action: 'Send an OOTB event' },
	],
	default: 'sendOotbEvent',
};

export const event: ResourceModule = { operationProperty, operations: { sendCustomEvent, sendOotbEvent } };
