import type { IDataObject } from 'n8n-workflow';
import { failure, itemsOf, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

useTestClock();

type Update = { CustomerNewAttributesValuesList: Array<{ CustomerID: string; Attributes: unknown[] }>; CallbackURL?: string };

const defineParams = (extra: Record<string, unknown> = {}) => ({
	customerId: (item: IDataObject) => item.CustomerID,
	attributesFrom: 'define',
	attributes: { attribute: [{ name: 'VIP_Level', value: 'Gold' }] },
	options: {},
	...extra,
});
const customers = (n: number) => itemsOf(Array.from({ length: n }, (_, k) => ({ CustomerID: `C${k + 1}` })));

describe('Customer: Update Attributes', () => {
	it('posts CustomerNewAttributesValuesList with RealFieldName/Value pairs and the callback URL', async () => {
		const { requests, output } = await run('customer', 'updateAttributes', {
			params: defineParams({ options: { callbackUrl: 'https://example.test/cb' } }),
			items: itemsOf([{ CustomerID: '0192837821' }]),
			reply: () => ({ statusCode: 202, body: { requestId: 'req-1' } }),
		});
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/Customers/UpdateCustomerAttributes',
				qs: {},
				body: {
					CustomerNewAttributesValuesList: [{ CustomerID: '0192837821', Attributes: [{ RealFieldName: 'VIP_Level', Value: 'Gold' }] }],
					CallbackURL: 'https://example.test/cb',
				},
			},
		]);
		expect(output).toEqual([
			{
				json: { customerId: '0192837821', attributes: { VIP_Level: 'Gold' }, attributeCount: 1, sent: true, requestId: 'req-1', batch: 1 },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('"all other fields of the item" mode sends every field but the skipped ones; numeric IDs become text', async () => {
		const { requests, output } = await run('customer', 'updateAttributes', {
			params: { customerId: (item: IDataObject) => item.CustomerID, attributesFrom: 'item', skipFields: 'CustomerID, note', options: {} },
			items: itemsOf([{ CustomerID: 42, Country: 'DE', Balance: 10.5, OptIn: true, note: 'x' }]),
		});
		expect((requests[0].body as Update).CustomerNewAttributesValuesList).toEqual([
			{
				CustomerID: '42',
				Attributes: [
					{ RealFieldName: 'Country', Value: 'DE' },
					{ RealFieldName: 'Balance', Value: 10.5 },
					{ RealFieldName: 'OptIn', Value: true },
				],
			},
		]);
		expect(output[0].json).toMatchObject({ customerId: '42', attributes: { Country: 'DE', Balance: 10.5, OptIn: true }, attributeCount: 3 });
	});

	it('outputs each customer\'s attributes and values as sent, null included', async () => {
		const { output } = await run('customer', 'updateAttributes', {
			params: defineParams({ attributes: (item: IDataObject) => ({ attribute: [{ name: 'Tier', value: item.tier }, { name: 'Churned', value: null }] }) }),
			items: itemsOf([{ CustomerID: 'C1', tier: 'Gold' }, { CustomerID: 'C2', tier: 'Silver' }]),
		});
		expect(output.map((o) => o.json.attributes)).toEqual([{ Tier: 'Gold', Churned: null }, { Tier: 'Silver', Churned: null }]);
	});

	it('an attribute named twice for one customer is a clear item error', async () => {
		const error = await failure(
			run('customer', 'updateAttributes', {
				params: defineParams({ attributes: { attribute: [{ name: 'Tier', value: 'A' }, { name: 'Tier', value: 'B' }] } }),
				items: customers(1),
			}),
		);
		expect(error.message).toMatch(/Attribute "Tier" is given twice/);
	});

	it.each([
		[999, [999]],
		[1000, [1000]],
		[1001, [1000, 1]],
	])('%d customers → calls of %j', async (n, sizes) => {
		const { requests, output } = await run('customer', 'updateAttributes', { params: defineParams(), items: customers(n) });
		expect(requests.map((r) => (r.body as Update).CustomerNewAttributesValuesList.length)).toEqual(sizes);
		expect(output).toHaveLength(n);
	});

	it('more than 10 attributes is a clear item error; with continueOnFail the others are sent', async () => {
		const wide: IDataObject = { CustomerID: 'C2' };
		for (let a = 1; a <= 11; a++) wide[`A${a}`] = a;
		const { requests, output } = await run('customer', 'updateAttributes', {
			params: { customerId: (item: IDataObject) => item.CustomerID, attributesFrom: 'item', skipFields: 'CustomerID', options: {} },
			items: itemsOf([{ CustomerID: 'C1', A1: 1 }, wide]),
			continueOnFail: true,
		});
		expect((requests[0].body as Update).CustomerNewAttributesValuesList.map((c) => c.CustomerID)).toEqual(['C1']);
		expect(output[1].json.error).toMatch(/^Item 1: Attributes hold 11 attributes \(A1, .*A11\); Optimove takes at most 10 per customer/);
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});

	it('refuses an object value and an empty attribute list, naming item and field', async () => {
		let error = await failure(
			run('customer', 'updateAttributes', {
				params: defineParams({ attributes: { attribute: [{ name: 'Prefs', value: { a: 1 } }] } }),
				items: customers(1),
			}),
		);
		expect(error.message).toBe('Item 0: Attribute "Prefs" must be a text, number, boolean or null, not an object or list');
		error = await failure(run('customer', 'updateAttributes', { params: defineParams({ attributes: {} }), items: customers(1) }));
		expect(error.message).toBe('Item 0: Attributes are empty: give at least one attribute to update');
	});

	it('items with different callback URLs go in different calls', async () => {
		const { requests } = await run('customer', 'updateAttributes', {
			params: defineParams({ options: (item: IDataObject) => ({ callbackUrl: item.cb }) }),
			items: itemsOf([
				{ CustomerID: 'C1', cb: 'https://a.test' },
				{ CustomerID: 'C2', cb: 'https://b.test' },
				{ CustomerID: 'C3', cb: 'https://a.test' },
			]),
		});
		expect(requests.map((r) => [(r.body as Update).CallbackURL, (r.body as Update).CustomerNewAttributesValuesList.length])).toEqual([
			['https://a.test', 2],
			['https://b.test', 1],
		]);
	});
});

describe('Customer: Get Attributes', () => {
	it('GET /Customers/{customerId}/Attributes, named attributes plus the raw fields', async () => {
		const fields = [{ RealFieldName: 'AGE', Alias: 'Age', FieldType: 'Bigint', Value: '-1' }];
		const { requests, output } = await run('customer', 'getAttributes', {
			params: { customerId: 'C 1/2' },
			reply: () => ({ statusCode: 200, body: fields }),
		});
		expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', '/Customers/C%201%2F2/Attributes']]);
		expect(output[0].json).toEqual({ customerId: 'C 1/2', attributes: { AGE: '-1' }, fields });
	});
});
