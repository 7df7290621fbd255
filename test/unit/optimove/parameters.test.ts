import type { IExecuteFunctions, INode, INodeExecutionData, INodeParameters, INodeTypes, IRunExecutionData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import {
	fieldReferencePath,
	isRunConstant,
	isRunConstantExpression,
	itemParameter,
	itemReader,
	readInteger,
	readText,
} from '../../../nodes/Optimove/actions/parameters';
import { n8nContext } from '../helpers/n8nContext';

/** A context whose raw parameters are `raw` and whose n8n evaluation is recorded, answering `evaluated`. */
function context(raw: Record<string, unknown>, items: INodeExecutionData[], evaluated: unknown = 'from n8n') {
	const evaluations: Array<[string, number]> = [];
	const { ctx } = n8nContext({
		node: { parameters: raw as INodeParameters },
		items,
		params: (name, itemIndex) => {
			evaluations.push([name, itemIndex]);
			return evaluated;
		},
	});
	return { ctx: ctx as unknown as IExecuteFunctions, evaluations };
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

// Expressions that give the same value for every item of a run, and ones that may not.
const RUN_CONSTANT = [
	"$('Optimove Trigger').first().json.clearanceRequiredBy",
	'$("Optimove Trigger").last().json.clearanceRequiredBy',
	"$('Optimove Trigger').all()[0].json.clearanceRequiredBy",
	"$('Optimove Trigger')?.first()?.json?.clearanceRequiredBy",
	"$('Optimove Trigger').isExecuted ? $('Optimove Trigger').first().json.clearanceRequiredBy : ''",
	"$if($('Optimove Trigger').isExecuted, $('Optimove Trigger').first().json.msUntilClearance, 0)",
	'$input.first().json.CampaignID',
	"DateTime.fromISO($('Optimove Trigger').first().json.clearanceRequiredBy).minus({ minutes: 5 }).toISO()",
	"new Date($('Optimove Trigger').first().json.clearanceRequiredBy).getTime()",
	'$runIndex',
	"'2026-11-22 10:00:00'",
];
const ITEM_DEPENDENT = [
	'$json.clearance',
	"$json['clearance']",
	'$data.clearance',
	'$item(0).$json.clearance',
	'$itemIndex',
	'$position',
	'$input.item.json.clearance',
	'$binary',
	'$thisItem.json.clearance',
	"$('Optimove Trigger').item.json.clearanceRequiredBy",
	"$('Optimove Trigger').pairedItem().json.clearanceRequiredBy",
	"$('Optimove Trigger').itemMatching(0).json.clearanceRequiredBy",
	"$('Optimove Trigger').all()[$itemIndex].json.clearanceRequiredBy",
	'$node["Optimove Trigger"].json.clearanceRequiredBy',
	'$parameter.customerId',
	'$now.plus({ hours: 1 }).toISO()',
	'$today.toISO()',
	'Date.now() + 3600000',
	'new Date().toISOString()',
	'DateTime.local().toISO()',
	'Math.random()',
	"`${$('Optimove Trigger').first().json.clearanceRequiredBy}`",
	'this.$json.clearance',
	"\\u0024json.clearance",
	"$('Get $json').first().json.x", // a $ in a node name: not worth telling apart, evaluated per item
];

describe('isRunConstantExpression', () => {
	it.each(RUN_CONSTANT)('%s is the same for every item', (expression) => {
		expect(isRunConstantExpression(`{{ ${expression} }}`)).toBe(true);
	});
	it.each(ITEM_DEPENDENT)('%s may differ per item', (expression) => {
		expect(isRunConstantExpression(`{{ ${expression} }}`)).toBe(false);
	});
	it('fixed values and collections of run-constant values are constant; missing values are not known to be', () => {
		expect(isRunConstant('2026-11-22 10:00:00')).toBe(true);
		expect(isRunConstant('{{ $json.x }}')).toBe(true); // no leading "=": a fixed text
		expect(isRunConstant({ safetyMarginMs: 5000, sendLate: false })).toBe(true);
		expect(isRunConstant({ safetyMarginMs: '={{ $vars.margin }}' })).toBe(true);
		expect(isRunConstant({ safetyMarginMs: '={{ $json.margin }}' })).toBe(false);
		expect(isRunConstant(['a', '={{ $itemIndex }}'])).toBe(false);
		expect(isRunConstant(undefined)).toBe(false);
	});
});

describe("itemParameter once per run, checked against n8n's own evaluator", () => {
	// Optimove Trigger → Get Processed Customers → Optimove, evaluated by n8n-workflow's Expression.
	const nodes: INode[] = ['Optimove Trigger', 'Get Processed Customers', 'Optimove'].map((name, k) => ({
		id: String(k),
		name,
		type: `test.${k}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	}));
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [], inputs: ['main'], outputs: ['main'] } }),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		id: 'w',
		nodes,
		connections: {
			'Optimove Trigger': { main: [[{ node: 'Get Processed Customers', type: 'main', index: 0 }]] },
			'Get Processed Customers': { main: [[{ node: 'Optimove', type: 'main', index: 0 }]] },
		},
		active: false,
		nodeTypes,
	});
	const items: INodeExecutionData[] = [0, 1, 2, 3].map((k) => ({
		json: { CampaignID: 1359, CustomerID: `C${k}`, clearance: `2026-11-22 1${k}:00:00` },
		pairedItem: { item: k }, // the Optimove node's input item k is Get Processed Customers' output item k
	}));
	const trigger = [{ json: { clearanceRequiredBy: '2026-11-22 10:00:00', msUntilClearance: 3_600_000 } }];
	const runExecutionData = {
		resultData: {
			runData: {
				'Optimove Trigger': [{ data: { main: [trigger] }, source: [], startTime: 0, executionTime: 0 }],
				'Get Processed Customers': [{ data: { main: [items] }, source: [{ previousNode: 'Optimove Trigger' }], startTime: 0, executionTime: 0 }],
			},
		},
	} as unknown as IRunExecutionData;
	const executeData = { node: nodes[2], data: { main: [items] }, source: { main: [{ previousNode: 'Get Processed Customers' }] } };
	const evaluate = (raw: string, itemIndex: number) =>
		workflow.expression.getParameterValue(raw, runExecutionData, 0, itemIndex, 'Optimove', items, 'manual', {}, executeData as never);

	function context(raw: string) {
		const evaluations: number[] = [];
		const { ctx } = n8nContext({
			node: { ...nodes[2], parameters: { deadline: raw } },
			items,
			params: (_name, itemIndex) => {
				evaluations.push(itemIndex);
				return evaluate(raw, itemIndex);
			},
		});
		return { ctx: ctx as unknown as IExecuteFunctions, evaluations };
	}

	it.each(RUN_CONSTANT.filter((e) => !e.startsWith('$runIndex')))('%s: n8n gives every item the value of the first; evaluated once', (expression) => {
		const raw = `={{ ${expression} }}`;
		const perItem = items.map((_, i) => evaluate(raw, i));
		const { ctx, evaluations } = context(raw);
		expect(items.map((_, i) => itemParameter(ctx, i, 'deadline'))).toEqual(perItem);
		expect(new Set(perItem.map((v) => JSON.stringify(v))).size).toBe(1);
		expect(evaluations).toEqual([0]);
	});

	it.each(["$json.clearance + ''", "$('Get Processed Customers').item.json.clearance", '$itemIndex'])(
		"%s: n8n gives items different values; evaluated for every item",
		(expression) => {
			const raw = `={{ ${expression} }}`;
			const perItem = items.map((_, i) => evaluate(raw, i));
			const { ctx, evaluations } = context(raw);
			expect(items.map((_, i) => itemParameter(ctx, i, 'deadline'))).toEqual(perItem);
			expect(new Set(perItem.map((v) => JSON.stringify(v))).size).toBe(items.length);
			expect(evaluations).toEqual([0, 1, 2, 3]);
		},
	);

	describe('the fast path against n8n-workflow: plain field references give exactly what n8n gives', () => {
		// Items of every shape a field can have: primitives (read from the item), and values the fast
		// path must leave to n8n (missing, null, objects, lists).
		const shapes: INodeExecutionData[] = [
			{ json: { CustomerID: 'C-1', n: 0, flag: false, empty: '', nested: { 'a b': { id: 7 } }, $odd: 'x' } },
			{ json: { CustomerID: 42, n: -1.5, flag: true, empty: ' ', nested: { 'a b': { id: 'seven' } }, $odd: 0 } },
			{ json: { CustomerID: null, n: null, nested: { 'a b': null } } },
			{ json: { CustomerID: { id: 1 }, n: [1, 2], flag: 'true', nested: 'flat', $odd: [] } },
			{ json: {} },
		].map((item, k) => ({ ...item, pairedItem: { item: k } }));
		const references = [
			'={{ $json.CustomerID }}',
			'={{$json.n}}',
			'={{ $json.flag }}',
			'={{ $json.empty }}',
			'={{ $json["nested"]["a b"].id }}',
			"={{ $json.nested['a b'] }}",
			'={{ $json.$odd }}',
			'={{ $json.missing }}',
		];
		const run = {
			resultData: {
				runData: {
					'Optimove Trigger': [{ data: { main: [trigger] }, source: [], startTime: 0, executionTime: 0 }],
					'Get Processed Customers': [{ data: { main: [shapes] }, source: [{ previousNode: 'Optimove Trigger' }], startTime: 0, executionTime: 0 }],
				},
			},
		} as unknown as IRunExecutionData;
		const n8nValue = (raw: string, itemIndex: number) =>
			workflow.expression.getParameterValue(raw, run, 0, itemIndex, 'Optimove', shapes, 'manual', {}, {
				node: nodes[2],
				data: { main: [shapes] },
				source: { main: [{ previousNode: 'Get Processed Customers' }] },
			} as never);

		it.each(references)('%s', (raw) => {
			expect(fieldReferencePath(raw)).toBeDefined();
			const asked: number[] = [];
			const ctx = n8nContext({
				node: { ...nodes[2], parameters: { field: raw } },
				items: shapes,
				params: (_name, itemIndex) => {
					asked.push(itemIndex);
					return n8nValue(raw, itemIndex);
				},
			}).ctx as unknown as IExecuteFunctions;
			const expected = shapes.map((_, i) => n8nValue(raw, i));
			expect(shapes.map((_, i) => itemParameter(ctx, i, 'field'))).toEqual(expected);
			const read = itemReader(ctx, 'field', raw, '');
			expect(shapes.map((_, i) => read(i))).toEqual(expected);
			// n8n was asked only for what the fast path cannot read: non-primitives and missing fields.
			const primitive = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
			const leftToN8n = expected.flatMap((value, i) => (primitive(value) ? [] : [i]));
			expect(asked).toEqual([...leftToN8n, ...leftToN8n]);
		});
	});

	it('a failed evaluation is not kept: the next item evaluates again', () => {
		let calls = 0;
		const ctx = n8nContext({
			node: { ...nodes[2], parameters: { deadline: "={{ $('Optimove Trigger').first().json.x }}" } },
			items,
			params: () => {
				calls++;
				if (calls === 1) throw new Error('not yet');
				return 'ok';
			},
		}).ctx as unknown as IExecuteFunctions;
		expect(() => itemParameter(ctx, 0, 'deadline')).toThrow('not yet');
		expect(itemParameter(ctx, 1, 'deadline')).toBe('ok');
		expect(itemParameter(ctx, 2, 'deadline')).toBe('ok');
		expect(calls).toBe(2);
	});
});
