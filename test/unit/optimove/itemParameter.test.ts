import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { fieldReferencePath, itemParameter } from '../../../nodes/Optimove/actions/itemParameter';
import { readInteger, readText } from '../../../nodes/Optimove/actions/itemValues';

/** A context whose raw parameters are `raw` and whose n8n evaluation is recorded, answering `evaluated`. */
function context(raw: Record<string, unknown>, items: INodeExecutionData[], evaluated: unknown = 'from n8n') {
	const evaluations: Array<[string, number]> = [];
	const ctx = {
		getNode: () => ({ id: 'n', name: 'Optimove', type: 't', typeVersion: 1, position: [0, 0], parameters: raw }),
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number) => {
			evaluations.push([name, itemIndex]);
			return evaluated;
		},
	} as unknown as IExecuteFunctions;
	return { ctx, evaluations };
}

describe('fieldReferencePath', () => {
	it.each([
		['={{ $json.CustomerID }}', ['CustomerID']],
		['={{$json.a.b_c.$d}}', ['a', 'b_c', '$d']],
		['={{ $json["Customer ID"] }}', ['Customer ID']],
		["={{ $json['x'].y }}", ['x', 'y']],
	])('%s is a plain field reference', (raw, path) => {
		expect(fieldReferencePath(raw)).toEqual(path);
	});

	it.each([
		'{{ $json.CustomerID }}', // not an expression (no leading =)
		'={{ $json.CustomerID }} ', // text after the braces
		'=ID {{ $json.CustomerID }}',
		'={{ $json.CustomerID + 1 }}',
		'={{ $json.list[0] }}',
		"={{ $('Optimove Trigger').item.json.requestUid }}",
		'={{ $json.a }}{{ $json.b }}',
		'={{ $json }}',
		42,
		undefined,
	])('%p is left to n8n', (raw) => {
		expect(fieldReferencePath(raw)).toBeUndefined();
	});
});

describe('itemParameter', () => {
	const items = [{ json: { CustomerID: 'C-1', CampaignID: 77, ok: false, nested: { 'a b': 'deep' } } }, { json: { CustomerID: 12 } }];

	it('reads plain field references from the item without asking n8n', () => {
		const { ctx, evaluations } = context(
			{ customerId: '={{ $json.CustomerID }}', campaignId: '={{ $json.CampaignID }}', approved: '={{ $json.ok }}', deep: '={{ $json.nested["a b"] }}' },
			items,
		);
		expect(itemParameter(ctx, 0, 'customerId')).toBe('C-1');
		expect(itemParameter(ctx, 1, 'customerId')).toBe(12);
		expect(itemParameter(ctx, 0, 'campaignId')).toBe(77);
		expect(itemParameter(ctx, 0, 'approved')).toBe(false);
		expect(itemParameter(ctx, 0, 'deep')).toBe('deep');
		expect(evaluations).toEqual([]);
	});

	it("leaves missing fields, objects and every other expression to n8n's evaluation", () => {
		const { ctx, evaluations } = context(
			{ missing: '={{ $json.nope }}', object: '={{ $json.nested }}', sum: '={{ $json.CampaignID + 1 }}', fixed: 'static' },
			items,
		);
		expect(itemParameter(ctx, 0, 'missing', '')).toBe('from n8n');
		expect(itemParameter(ctx, 0, 'object')).toBe('from n8n');
		expect(itemParameter(ctx, 0, 'sum')).toBe('from n8n');
		expect(itemParameter(ctx, 1, 'fixed')).toBe('from n8n');
		expect(evaluations).toEqual([
			['missing', 0],
			['object', 0],
			['sum', 0],
			['fixed', 1],
		]);
	});

	it("keeps the readers' checks on fast-path values", () => {
		const { ctx } = context({ customerId: '={{ $json.CustomerID }}', campaignId: '={{ $json.CustomerID }}' }, [{ json: { CustomerID: '  ' } }, { json: { CustomerID: 'abc' } }]);
		expect(() => readText(ctx, 0, 'customerId', 'Customer ID')).toThrow('Item 0: Customer ID must be a non-empty text or a number, got an empty text');
		expect(() => readInteger(ctx, 1, 'campaignId', 'Campaign ID')).toThrow('Item 1: Campaign ID must be a positive whole number, got "abc"');
	});
});
