import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { Optimove } from '../../nodes/Optimove/Optimove.node';

const description = new Optimove().description;

describe('Optimove node description', () => {
	it('never offers an empty options list (n8n refuses to load such a node)', () => {
		const empty = description.properties.filter((p) => p.type === 'options' && Array.isArray(p.options) && p.options.length === 0);
		expect(empty.map((p) => p.name)).toEqual([]);
	});

	it('every resource in the selector has an operation selector and every operation an action', () => {
		const resources = (description.properties.find((p) => p.name === 'resource')?.options ?? []) as INodePropertyOptions[];
		expect(resources.length).toBeGreaterThan(0);
		for (const { value } of resources) {
			const selector = description.properties.find(
				(p: INodeProperties) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(value),
			);
			expect(selector).toBeDefined();
			for (const option of (selector?.options ?? []) as INodePropertyOptions[]) expect(option.action).toBeTruthy();
		}
	});

	it('is usable as an AI tool and switches to the events credential only for events', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([
			expect.objectContaining({ name: 'optimoveApi', displayOptions: { hide: { resource: ['event'] } } }),
			expect.objectContaining({ name: 'optimoveEventsApi', displayOptions: { show: { resource: ['event'] } } }),
		]);
	});
});
