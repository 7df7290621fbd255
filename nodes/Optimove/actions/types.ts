import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * One operation, declared once: its entry in the resource's Operation selector (value, name,
 * action, description), its fields (shown for its resource and operation only) and how it runs.
 */
export interface Operation {
	value: string;
	name: string;
	action: string;
	description: string;
	properties: INodeProperties[];
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
}

/** One resource: the operation selector and the operations it routes to, by value. */
export interface ResourceModule {
	operationProperty: INodeProperties;
	operations: Record<string, Operation>;
}

/**
 * A resource built from its operations, so the selector offers exactly the operations it routes to.
 * `operations` are listed in the order the selector shows them (alphabetical by name).
 */
export function defineResource(resource: string, operations: Operation[], defaultOperation: string): ResourceModule {
	return {
		operationProperty: {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: operations.map(({ name, value, description, action }) => ({ name, value, description, action })),
			default: defaultOperation,
		},
		operations: Object.fromEntries(operations.map((operation) => [operation.value, operation])),
	};
}
