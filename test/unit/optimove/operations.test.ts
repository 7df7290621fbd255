import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { Optimove } from '../../../nodes/Optimove/Optimove.node';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';

const properties = new Optimove().description.properties;

function selectorOf(resource: string): INodePropertyOptions[] {
	const selector = properties.find((p: INodeProperties) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
	return (selector?.options ?? []) as INodePropertyOptions[];
}

describe('Optimove operations', () => {
	it.each(Object.keys(RESOURCES))('%s: every selector value has an operation and every operation is offered', (resource) => {
		const offered = selectorOf(resource).map((option) => option.value);
		expect([...offered].sort()).toEqual(Object.keys(RESOURCES[resource].operations).sort());
		for (const [value, operation] of Object.entries(RESOURCES[resource].operations)) expect(operation.value).toBe(value);
	});

	it.each(Object.keys(RESOURCES))('%s: the selector lists its operations alphabetically by name', (resource) => {
		const names = selectorOf(resource).map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

});
