import type { IDataObject } from 'n8n-workflow';
import type { SentRequest } from '../helpers/harness';
import { failure, itemsOf, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

useTestClock();

/** Answers a customer list of `total` customers honouring $top/$skip, attributes positional. */
function campaignOf(total: number) {
	return (request: SentRequest) => {
		const top = Number(request.qs.$top);
		const skip = Number(request.qs.$skip);
		const names = request.qs.CustomerAttributes ? String(request.qs.CustomerAttributes).split(';') : [];
		const rows = [];
		for (let k = skip + 1; k <= Math.min(total, skip + top); k++) {
			rows.push({ CustomerID: `C${k}`, ActionID: 2, PromoCode: 'BONUS20', CustomerAttributes: names.map((n) => `${n}-${k}`) });
		}
		return { statusCode: 200, body: rows };
	};
}

const processed = (extra: Record<string, unknown> = {}) => ({
	campaignId: '1359',
	customerAttributes: ['Alias', 'Country'],
	returnAll: true,
	output: 'customers',
	...extra,
});

describe('Campaign: Get Details', () => {
	it('sends GET /Actions/GetCampaignDetails?CampaignID and outputs the details with the campaign ID', async () => {
		const { output, requests } = await run('campaign', 'getDetails', {
			params: { campaignId: (item: IDataObject) => item.CampaignID },
			items: itemsOf([{ CampaignID: 1359 }]),
			reply: () => ({ statusCode: 200, body: { TargetGroupID: 4, Status: 'Scheduled' } }),
		});
		expect(requests).toEqual([{ method: 'GET', path: '/Actions/GetCampaignDetails', qs: { CampaignID: 1359 }, body: undefined }]);
		expect(output).toEqual([{ json: { CampaignID: 1359, TargetGroupID: 4, Status: 'Scheduled' }, pairedItem: { item: 0 } }]);
	});
});

describe('Campaign: Get Processed Customers', () => {
	it('asks for the attributes ;-separated with $top 10000 and outputs them as a named object', async () => {
		const { output, requests } = await run('campaign', 'getProcessedCustomers', {
			params: processed(),
			reply: () => ({
				statusCode: 200,
				body: [{ CustomerID: 'C234638', ActionID: 2, PromoCode: 'WELCOME10', CustomerAttributes: ['Yo999', 'UA'] }],
			}),
		});
		expect(requests).toEqual([
			{
				method: 'GET',
				path: '/Customers/GetProcessedCampaignCustomers',
				qs: { CampaignID: 1359, CustomerAttributes: 'Alias;Country', CustomerAttributesDelimiter: ';', $top: 10000, $skip: 0 },
				body: undefined,
			},
		]);
		expect(output).toEqual([
			{
				json: {
					CampaignID: 1359,
					CustomerID: 'C234638',
					ActionID: 2,
					PromoCode: 'WELCOME10',
					CustomerAttributes: { Alias: 'Yo999', Country: 'UA' },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('takes attribute names from an expression giving a ";"-separated text', async () => {
		const { requests, output } = await run('campaign', 'getProcessedCustomers', {
			params: processed({ customerAttributes: 'Alias; Country' }),
			reply: campaignOf(1),
		});
		expect(requests[0].qs.CustomerAttributes).toBe('Alias;Country');
		expect(output[0].json.CustomerAttributes).toEqual({ Alias: 'Alias-1', Country: 'Country-1' });
	});

	it('omits CustomerAttributes when none are chosen and keeps the rows as Optimove sent them', async () => {
		const { requests, output } = await run('campaign', 'getProcessedCustomers', {
			params: processed({ customerAttributes: [] }),
			reply: () => ({ statusCode: 200, body: [{ CustomerID: 'C1', ActionID: 1, PromoCode: 'X' }] }),
		});
		expect(requests[0].qs).toEqual({ CampaignID: 1359, $top: 10000, $skip: 0 });
		expect(output[0].json).toEqual({ CampaignID: 1359, CustomerID: 'C1', ActionID: 1, PromoCode: 'X' });
	});

	it.each([
		['a short page ends the list', 10_003, [[10000, 0], [10000, 10000]], 10_003],
		['an empty page ends an exact multiple', 20_000, [[10000, 0], [10000, 10000], [10000, 20000]], 20_000],
		['an empty campaign answers one empty page', 0, [[10000, 0]], 0],
	])('paging: %s', async (_label, total, calls, count) => {
		const { requests, output } = await run('campaign', 'getProcessedCustomers', { params: processed(), reply: campaignOf(total) });
		expect(requests.map((r) => [r.qs.$top, r.qs.$skip])).toEqual(calls);
		expect(output).toHaveLength(count);
		if (count > 0) expect(output[count - 1].json.CustomerID).toBe(`C${count}`);
	});

	it.each([
		[50, [[50, 0]], 50],
		[15_000, [[10000, 0], [5000, 10000]], 15_000],
		[20_000, [[10000, 0], [10000, 10000]], 20_000],
	])('paging: limit %d asks only for what it returns', async (limit, calls, count) => {
		const { requests, output } = await run('campaign', 'getProcessedCustomers', {
			params: processed({ returnAll: false, limit }),
			reply: campaignOf(100_000),
		});
		expect(requests.map((r) => [r.qs.$top, r.qs.$skip])).toEqual(calls);
		expect(output).toHaveLength(count);
	});

	it('page mode outputs one item per page holding its customers', async () => {
		const { output } = await run('campaign', 'getProcessedCustomers', {
			params: processed({ output: 'pages' }),
			reply: campaignOf(10_005),
		});
		expect(output.map((o) => [o.json.page, o.json.count, (o.json.customers as IDataObject[]).length])).toEqual([
			[1, 10000, 10000],
			[2, 5, 5],
		]);
		expect((output[1].json.customers as IDataObject[])[4]).toEqual({
			CampaignID: 1359,
			CustomerID: 'C10005',
			ActionID: 2,
			PromoCode: 'BONUS20',
			CustomerAttributes: { Alias: 'Alias-10005', Country: 'Country-10005' },
		});
		expect(output.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('refuses a missing campaign ID, naming the item and the field', async () => {
		const error = await failure(run('campaign', 'getProcessedCustomers', { params: processed({ campaignId: '' }) }));
		expect(error.message).toBe('Item 0: Campaign ID is required');
	});

	it('with continueOnFail, a failed item becomes an error item paired to it; the others go on', async () => {
		const { output } = await run('campaign', 'getProcessedCustomers', {
			params: processed({ campaignId: (item: IDataObject) => item.id }),
			items: itemsOf([{ id: 'abc' }, { id: 1359 }]),
			continueOnFail: true,
			reply: campaignOf(2),
		});
		expect(output[0]).toEqual({
			json: { error: 'Item 0: Campaign ID must be a positive whole number, got "abc"' },
			pairedItem: { item: 0 },
		});
		expect(output.slice(1).map((o) => [o.json.CustomerID, o.pairedItem])).toEqual([
			['C1', { item: 1 }],
			['C2', { item: 1 }],
		]);
	});

	it('an API error fails the item with Optimove’s message', async () => {
		const error = await failure(
			run('campaign', 'getProcessedCustomers', {
				params: processed(),
				reply: () => ({ statusCode: 404, body: "Campaign '1359' was not found." }),
			}),
		);
		expect(error.message).toMatch(/not found|404/i);
		expect(error.context?.itemIndex).toBe(0);
	});
});

describe('Campaign: Get Executed Customers and Get Canceled Customers', () => {
	it('executed customers: per channel, with attributes, paged the same way', async () => {
		const { requests, output } = await run('campaign', 'getExecutedCustomers', {
			params: { ...processed(), channelId: 505, customerAttributes: ['Email'] },
			reply: () => ({
				statusCode: 200,
				body: [
					{
						CustomerID: 'C1',
						ActionID: 2,
						ChannelID: 505,
						TemplateID: 7,
						TemplateName: 'Bonus SMS',
						ScheduleTime: '2026-11-22 09:30:00',
						PromoCode: 'A',
						CustomerAttributes: ['c1@example.test'],
					},
				],
			}),
		});
		expect(requests).toEqual([
			{
				method: 'GET',
				path: '/Customers/GetCustomerExecutionDetailsByCampaign',
				qs: { CampaignID: 1359, ChannelID: 505, CustomerAttributes: 'Email', CustomerAttributesDelimiter: ';', $top: 10000, $skip: 0 },
				body: undefined,
			},
		]);
		expect(output[0].json).toMatchObject({ TemplateID: 7, CustomerAttributes: { Email: 'c1@example.test' } });
	});

	it('executed customers: a missing channel is an item error', async () => {
		const error = await failure(run('campaign', 'getExecutedCustomers', { params: { ...processed(), channelId: '' } }));
		expect(error.message).toBe('Item 0: Channel is required');
	});

	it('canceled customers: CampaignID and paging, no attributes', async () => {
		const { requests, output } = await run('campaign', 'getCanceledCustomers', {
			params: { campaignId: 6574, returnAll: true, output: 'customers' },
			reply: () => ({ statusCode: 200, body: [{ CustomerID: '231342', ActionID: '4', PromoCode: 'A7Bonus' }] }),
		});
		expect(requests.map((r) => [r.path, r.qs])).toEqual([
			['/Customers/GetCanceledCampaignCustomers', { CampaignID: 6574, $top: 10000, $skip: 0 }],
		]);
		expect(output[0].json).toEqual({ CampaignID: 6574, CustomerID: '231342', ActionID: '4', PromoCode: 'A7Bonus' });
	});
});
