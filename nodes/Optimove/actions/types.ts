import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** One operation: its fields (shown for its resource and operation only) and how it runs. */
export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
}

/** One resource: the operation selector and the operations it routes to. */
export interface ResourceModule {
	operationProperty: INodeProperties;
	operations: Record<string, OperationModule>;
}
