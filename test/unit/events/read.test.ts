import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { collectionReaders, fieldReader } from '../../../nodes/Optimove/actions/parameters';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { useTestClock } from '../helpers/clock';
import { fakeSecret, n8nContext } from '../helpers/n8nContext';

const CREDENTIALS = { endpointUrl: 'https://server-1234.optimove.test/reportServer', tenantId: 1234, eventsToken: fakeSecret('events-token') };

useTestClock();

/**
 * The fake n8n context with `getNodeParameter` standing for n8n's evaluation: it records every call and
 * evaluates only what these tests use (`{{ $json.a.b }}` paths and `{{ "x" + $json.y }}`).
 */
function context(parameters: IDataObject, items: INodeExecutionData[]) {
	const evaluated: Array<[string, number]> = [];
	const get = (path: string): unknown =>
		path
			.replace(/\[(\d+)\]/g, '.$1')
			.split('.')
			.reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], parameters);
	const sent: unknown[][] = [];
	const { ctx } = n8nContext({
		node: { parameters: JSON.parse(JSON.stringify(parameters)) as INodeParameters },
		items,
		credentials: { optimoveEventsApi: CREDENTIALS },
		continueOnFail: true,
		params: (path, itemIndex, fallback) => {
			evaluated.push([path, itemIndex]);
			const raw = get(path);
			if (raw === undefined) return fallback;
			if (typeof raw !== 'string' || !raw.startsWith('=')) return raw;
			const json = items[itemIndex].json;
			const concat = /^=\{\{\s*"(\w*)"\s*\+\s*\$json\.(\w+)\s*\}\}$/.exec(raw);
			if (concat) return concat[1] + String(json[concat[2]]);
			const ref = /^=\{\{\s*\$json((?:\.\w+)+)\s*\}\}$/.exec(raw);
			if (ref) return ref[1].slice(1).split('.').reduce<unknown>((v, k) => (v as IDataObject | undefined)?.[k], json);
			throw new Error(`this test cannot evaluate ${raw}`);
		},
		http: async (_type, request) => {
			sent.push(request.body as unknown[]);
			return { statusCode: 200, body: { status: 'success', message: 'ok' }, headers: {} };
		},
	});
	return { ctx, evaluated, sent };
}

const rows = (n: number) => Array.from({ length: n }, (_, k) => ({ json: { customer: `C${k}`, tx: { id: `t${k}` }, amount: 10 + k, when: 1716805800 + k } }));

describe('per-item readers (Define Below)', () => {
	it('a plain {{ $json.x }} is read from the item; a constant once; anything else is evaluated by n8n per item', () => {
		const items = rows(3);
		const { ctx, evaluated } = context({ identity: '={{ $json.customer }}', identifyBy: 'customer', eventKey: '={{ "k_" + $json.customer }}' }, items);
		const identity = fieldReader(ctx as never, 'identity', '');
		const by = fieldReader(ctx as never, 'identifyBy', 'customer');
		const key = fieldReader(ctx as never, 'eventKey', '');
		expect([0, 1, 2].map(identity)).toEqual(['C0', 'C1', 'C2']);
		expect([0, 1, 2].map(by)).toEqual(['customer', 'customer', 'customer']);
		expect([0, 1, 2].map(key)).toEqual(['k_C0', 'k_C1', 'k_C2']);
		expect(evaluated).toEqual([
			['identifyBy', 0],
			['eventKey', 0],
			['eventKey', 1],
			['eventKey', 2],
		]);
	});

	it('a referenced value that is missing or not a primitive goes to n8n (its value, its errors)', () => {
		const items = [{ json: { customer: { id: 1 } } }, { json: {} }];
		const { ctx, evaluated } = context({ identity: '={{ $json.customer }}' }, items);
		const identity = fieldReader(ctx as never, 'identity', '');
		expect(identity(0)).toEqual({ id: 1 });
		expect(identity(1)).toBeUndefined();
		expect(evaluated).toEqual([
			['identity', 0],
			['identity', 1],
		]);
	});

	it("a collection's options are read one by one, each the cheapest way", () => {
		const items = rows(2);
		const { ctx, evaluated } = context({ additionalParameters: { deposit_amount: '={{ $json.amount }}', deposit_method: 'card', channel: '={{ "web" + $json.amount }}' } }, items);
		const readers = collectionReaders(ctx as never, 'additionalParameters') as Map<string, (i: number) => unknown>;
		expect([...readers.keys()]).toEqual(['deposit_amount', 'deposit_method', 'channel']);
		expect([0, 1].map((i) => Object.fromEntries([...readers].map(([name, read]) => [name, read(i)])))).toEqual([
			{ deposit_amount: 10, deposit_method: 'card', channel: 'web10' },
			{ deposit_amount: 11, deposit_method: 'card', channel: 'web11' },
		]);
		expect(evaluated).toEqual([
			['additionalParameters.deposit_method', 0],
			['additionalParameters.channel', 0],
			['additionalParameters.channel', 1],
		]);
	});
});

describe('Define Below through the operations', () => {
	it('Send OOTB Event: 25 deposits with plain references evaluate nothing per item, and send what n8n would have', async () => {
		const items = rows(25);
		const { ctx, evaluated, sent } = context(
			{
				event: 'ootb_deposit',
				parametersFrom: 'fields',
				identifyBy: 'customer',
				identity: '={{ $json.customer }}',
				eventTime: '={{ $json.when }}',
				mandatory_transaction_id: '={{ $json.tx.id }}',
				additionalParameters: { deposit_amount: '={{ $json.amount }}', deposit_method: 'card' },
			},
			items,
		);
		const output = await RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items);
		expect(output.every((o) => o.json.sent === true)).toBe(true);
		expect(sent.flat()[3]).toEqual({
			tenant: 1234,
			timestamp: '2024-05-27 10:30:03.000000 UTC',
			event: 'ootb_deposit',
			customer: 'C3',
			context: { ootb_deposit_amount: 13, ootb_deposit_method: 'card', ootb_transaction_id: 't3' },
		});
		expect(evaluated.filter(([, item]) => item > 0)).toEqual([]); // only item 0's constants
	});

	it('Send Custom Event: key/value pairs, names fixed, values referenced or computed', async () => {
		const items = rows(3);
		const { ctx, evaluated, sent } = context(
			{
				eventKey: 'tier_changed',
				parametersFrom: 'keyValue',
				identifyBy: 'visitor',
				identity: '={{ $json.customer }}',
				eventTime: '',
				parameters: { parameter: [{ name: 'amount', value: '={{ $json.amount }}' }, { name: 'label', value: '={{ "t" + $json.amount }}' }] },
			},
			items,
		);
		await RESOURCES.event.operations.sendCustomEvent.execute.call(ctx as never, items);
		expect(sent.flat().map((e) => (e as IDataObject).context)).toEqual([
			{ amount: 10, label: 't10' },
			{ amount: 11, label: 't11' },
			{ amount: 12, label: 't12' },
		]);
		expect(sent.flat().map((e) => (e as IDataObject).visitor)).toEqual(['C0', 'C1', 'C2']);
		expect(evaluated.filter(([path]) => path.endsWith('.value'))).toEqual([
			['parameters.parameter[1].value', 0],
			['parameters.parameter[1].value', 1],
			['parameters.parameter[1].value', 2],
		]);
	});

	it('Send Custom Event: Parameters (JSON) as fixed text, read once and parsed for every item', async () => {
		const items = rows(2);
		const { ctx, sent } = context({ eventKey: 'tier_changed', parametersFrom: 'json', identity: '={{ $json.customer }}', parametersJson: '{"tier":"gold"}' }, items);
		await RESOURCES.event.operations.sendCustomEvent.execute.call(ctx as never, items);
		expect(sent.flat().map((e) => (e as IDataObject).context)).toEqual([{ tier: 'gold' }, { tier: 'gold' }]);
	});
});
