import type { IDataObject } from 'n8n-workflow';
import type { SentRequest } from '../helpers/harness';
import { failure, itemsOf, NOW, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

useTestClock();

const customers = (n: number) => itemsOf(Array.from({ length: n }, (_, k) => ({ CustomerID: `C${k + 1}` })));
const validateParams = (extra: Record<string, unknown> = {}) => ({
	promocodeId: 'WELCOME10',
	customerId: (item: IDataObject) => item.CustomerID,
	options: {},
	...extra,
});
type Validate = { contexts: IDataObject[]; campaignData: IDataObject };
const echo = (request: SentRequest) => ({
	statusCode: 200,
	body: (request.body as Validate).contexts.map((c) => ({ customerId: c.customerId, valid: true, tier: 'Gold', effects: [] })),
});

describe('Promotion: Validate Customers', () => {
	it('posts {contexts, campaignData} to the promotions host and pairs each result with its item', async () => {
		const { requests, output } = await run('promotion', 'validateCustomers', {
			params: validateParams({ options: { context: '{"country":"DE"}', campaignData: { campaignId: 1359 } } }),
			items: customers(2),
			reply: echo,
		});
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/v1/promocodes/WELCOME10/validateCustomers',
				qs: {},
				body: { contexts: [{ country: 'DE', customerId: 'C1' }, { country: 'DE', customerId: 'C2' }], campaignData: { campaignId: 1359 } },
			},
		]);
		expect(output[1]).toEqual({
			json: { promocodeId: 'WELCOME10', customerId: 'C2', valid: true, tier: 'Gold', effects: [], batch: 1 },
			pairedItem: { item: 1 },
		});
	});

	it.each([
		[100, [100]],
		[101, [100, 1]],
	])('%d customers → calls of %j (default batch size 100)', async (n, sizes) => {
		const { requests } = await run('promotion', 'validateCustomers', { params: validateParams(), items: customers(n), reply: echo });
		expect(requests.map((r) => (r.body as Validate).contexts.length)).toEqual(sizes);
	});

	it('a result list that does not match the contexts fails the batch rather than mispairing', async () => {
		const { output } = await run('promotion', 'validateCustomers', {
			params: validateParams(),
			items: customers(3),
			continueOnFail: true,
			reply: () => ({ statusCode: 200, body: [{ valid: true }] }),
		});
		expect(output.map((o) => o.json.error)).toEqual(Array(3).fill('Optimove answered 1 results for 3 contexts: the results cannot be matched to the items'));
	});
});

describe('Promotion: Report Redemption', () => {
	it('posts [{promotionId, customerId, timestamp}] to the assumed /v1/redemptions, now when no time is given', async () => {
		const { requests, output } = await run('promotion', 'reportRedemption', {
			params: { promotionId: 'P1', customerId: (item: IDataObject) => item.CustomerID, timestamp: '' },
			items: customers(101),
		});
		expect(requests.map((r) => [r.path, (r.body as unknown[]).length])).toEqual([
			['/v1/redemptions', 100],
			['/v1/redemptions', 1],
		]);
		expect((requests[0].body as unknown[])[0]).toEqual({ promotionId: 'P1', customerId: 'C1', timestamp: new Date(NOW).toISOString() });
		expect(output[100].json).toMatchObject({ customerId: 'C101', reported: true, batch: 2 });
	});

	it('refuses an unreadable time', async () => {
		const error = await failure(
			run('promotion', 'reportRedemption', { params: { promotionId: 'P1', customerId: 'C1', timestamp: 'soon' }, items: customers(1) }),
		);
		expect(error.message).toMatch(/^Item 0: Redeemed At cannot read "soon"/);
	});
});
