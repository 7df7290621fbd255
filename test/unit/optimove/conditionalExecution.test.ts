import type { IDataObject } from 'n8n-workflow';
import { Settings } from 'luxon';
import { parseDeadline } from '../../../nodes/Optimove/actions/conditionalExecution/deadline';
import { fakeSecret } from '../helpers/n8nContext';
import type { SentRequest } from '../helpers/harness';
import { failure, itemsOf, NOW, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

const clock = useTestClock();

const approvalParams = (extra: Record<string, unknown> = {}) => ({
	campaignId: (item: IDataObject) => item.CampaignID,
	customerId: (item: IDataObject) => item.CustomerID,
	approved: (item: IDataObject) => item.ok,
	clearanceRequiredBy: '',
	options: {},
	...extra,
});

function customers(n: number, campaignId: number | string = 1359): IDataObject[] {
	return Array.from({ length: n }, (_, k) => ({ CampaignID: campaignId, CustomerID: `C${k + 1}`, ok: k % 3 !== 0 }));
}

type Approvals = { TimeStamp: string; CampaignID: number; PromosUpdated: Array<{ CustomerID: string; Status: boolean }> };
const bodies = (requests: SentRequest[]) => requests.map((r) => r.body as Approvals);

describe('Conditional Execution: Approve Customers', () => {
	it('sends UpdateCustomerPromotionStatus with TimeStamp (UTC), CampaignID and one entry per item', async () => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams(),
			items: itemsOf([
				{ CampaignID: '1359', CustomerID: 'C234638', ok: true },
				{ CampaignID: 1359, CustomerID: 4711, ok: 'false' },
			]),
		});
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/Integrations/UpdateCustomerPromotionStatus',
				qs: {},
				body: {
					TimeStamp: '2026-11-22 09:00:00',
					CampaignID: 1359,
					PromosUpdated: [
						{ CustomerID: 'C234638', Status: true },
						{ CustomerID: '4711', Status: false },
					],
				},
			},
		]);
		expect(output).toEqual([
			{ json: { customerId: 'C234638', campaignId: 1359, approved: true, sent: true, batch: 1 }, pairedItem: { item: 0 } },
			{ json: { customerId: '4711', campaignId: 1359, approved: false, sent: true, batch: 1 }, pairedItem: { item: 1 } },
		]);
	});

	it.each([
		[9_999, [9_999]],
		[10_000, [10_000]],
		[10_001, [10_000, 1]],
	])('%d approvals of one campaign → calls of %j', async (n, sizes) => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams(),
			items: itemsOf(customers(n)),
		});
		expect(bodies(requests).map((b) => b.PromosUpdated.length)).toEqual(sizes);
		expect(output).toHaveLength(n);
		expect(output[n - 1]).toEqual({
			json: { customerId: `C${n}`, campaignId: 1359, approved: (n - 1) % 3 !== 0, sent: true, batch: sizes.length },
			pairedItem: { item: n - 1 },
		});
	});

	it('groups items per campaign: a call never mixes campaigns', async () => {
		const rows = [...customers(3, 1), ...customers(2, 2)];
		rows.push({ CampaignID: 1, CustomerID: 'late-1', ok: true });
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams(),
			items: itemsOf(rows),
		});
		expect(bodies(requests).map((b) => [b.CampaignID, b.PromosUpdated.map((p) => p.CustomerID)])).toEqual([
			[1, ['C1', 'C2', 'C3', 'late-1']],
			[2, ['C1', 'C2']],
		]);
		expect(output.map((o) => [o.json.campaignId, o.json.batch, o.pairedItem])).toEqual([
			[1, 1, { item: 0 }],
			[1, 1, { item: 1 }],
			[1, 1, { item: 2 }],
			[2, 2, { item: 3 }],
			[2, 2, { item: 4 }],
			[1, 1, { item: 5 }],
		]);
	});

	it('summary output: one item per campaign paired to every input it covered', async () => {
		const { output } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams({ options: { output: 'summary' } }),
			items: itemsOf([...customers(10_001, 7), ...customers(3, 8)]),
		});
		expect(output.map((o) => o.json)).toEqual([
			{ campaignId: 7, approved: 6667, rejected: 3334, calls: 2, sent: true },
			{ campaignId: 8, approved: 2, rejected: 1, calls: 1, sent: true },
		]);
		expect(output[0].pairedItem).toHaveLength(10_001);
		expect(output[1].pairedItem).toEqual([{ item: 10_001 }, { item: 10_002 }, { item: 10_003 }]);
	});

	it.each([
		['an object', { id: 1 }, 'Item 1: Customer ID must be a non-empty text or a number, got an object'],
		['a boolean', true, 'Item 1: Customer ID must be a non-empty text or a number, got boolean true'],
		['empty', '', 'Item 1: Customer ID must be a non-empty text or a number, got an empty text'],
	])('refuses a customer ID that is %s', async (_label, bad, message) => {
		const rows = customers(2);
		rows[1].CustomerID = bad as IDataObject[string];
		const error = await failure(run('conditionalExecution', 'approveCustomers', { params: approvalParams(), items: itemsOf(rows) }));
		expect(error.message).toBe(message);
		expect(error.context?.itemIndex).toBe(1);
	});

	it('refuses an approval flag that is not a boolean, and a missing campaign ID', async () => {
		const rows = customers(2);
		rows[0].ok = 'yes';
		let error = await failure(run('conditionalExecution', 'approveCustomers', { params: approvalParams(), items: itemsOf(rows) }));
		expect(error.message).toBe('Item 0: Approved must be true or false, got "yes"');
		error = await failure(
			run('conditionalExecution', 'approveCustomers', { params: approvalParams({ campaignId: '' }), items: itemsOf(customers(1)) }),
		);
		expect(error.message).toBe('Item 0: Campaign ID is required');
	});

	it('with continueOnFail, invalid items become error items and the rest is sent', async () => {
		const rows = customers(3);
		rows[1].CustomerID = null;
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams(),
			items: itemsOf(rows),
			continueOnFail: true,
		});
		expect(bodies(requests)[0].PromosUpdated.map((p) => p.CustomerID)).toEqual(['C1', 'C3']);
		expect(output[1]).toEqual({
			json: { error: 'Item 1: Customer ID must be a non-empty text or a number, got null' },
			pairedItem: { item: 1 },
		});
		expect(output.map((o) => o.json.sent)).toEqual([true, undefined, true]);
	});

	it('with continueOnFail, a failed batch becomes error items for exactly its items', async () => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: approvalParams(),
			items: itemsOf(customers(10_005)),
			continueOnFail: true,
			reply: (_request, call) => (call === 1 ? { statusCode: 400, body: 'PromosUpdated is invalid.' } : { statusCode: 200 }),
		});
		expect(requests).toHaveLength(2);
		const failed = output.filter((o) => o.json.error !== undefined);
		expect(failed).toHaveLength(10_000);
		expect(failed[0].json.batch).toBe(1);
		expect(failed.map((o) => (o.pairedItem as { item: number }).item)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
		expect(output.slice(10_000).map((o) => [o.json.sent, o.json.batch])).toEqual(Array(5).fill([true, 2]));
	});

	it('without continueOnFail, a failed batch stops the node and says what was accepted before', async () => {
		const error = await failure(
			run('conditionalExecution', 'approveCustomers', {
				params: approvalParams(),
				items: itemsOf(customers(10_001)),
				reply: (_request, call) => (call === 2 ? { statusCode: 400, body: 'bad' } : { statusCode: 200 }),
			}),
		);
		expect(error.description).toMatch(/Batch 2 of 2 .*10000 item\(s\) in earlier batches were accepted/);
	});

	describe('deadline guard', () => {
		it('does not send an approval that would arrive after ClearanceRequiredBy and says why', async () => {
			const error = await failure(
				run('conditionalExecution', 'approveCustomers', {
					params: approvalParams({ clearanceRequiredBy: '2026-11-22 08:59:58' }),
					items: itemsOf(customers(1)),
				}),
			);
			expect(error.message).toBe(
				'Item 0: approval not sent: the deadline 2026-11-22T08:59:58.000Z passed 2000 ms ago; Optimove counts unreported customers as rejected',
			);
		});

		it('treats a deadline inside the safety margin as late', async () => {
			const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
				params: approvalParams({ clearanceRequiredBy: NOW + 3000, options: { safetyMarginMs: 5000 } }),
				items: itemsOf(customers(2)),
				continueOnFail: true,
			});
			expect(requests).toHaveLength(0);
			expect(output.map((o) => o.json.error)).toEqual([
				expect.stringContaining('is only 3000 ms away, inside the safety margin of 5000 ms'),
				expect.stringContaining('Optimove counts unreported customers as rejected'),
			]);
		});

		it('sends an approval in time, whatever the format of the clearance time', async () => {
			for (const clearance of ['2026-11-22 09:30:00', '2026-11-22T09:30:00Z', Date.UTC(2026, 10, 22, 9, 30) / 1000, String(NOW + 1_800_000)]) {
				const { requests } = await run('conditionalExecution', 'approveCustomers', {
					params: approvalParams({ clearanceRequiredBy: clearance }),
					items: itemsOf(customers(1)),
				});
				expect(requests).toHaveLength(1);
			}
		});

		it('sends a late approval when Send Even If Late is on', async () => {
			const { requests, output } = await run('conditionalExecution', 'approveCustomers', {
				params: approvalParams({ clearanceRequiredBy: '2026-11-22 08:00:00', options: { sendLate: true } }),
				items: itemsOf(customers(1)),
			});
			expect(requests).toHaveLength(1);
			expect(output[0].json.sent).toBe(true);
		});

		it('stops retrying before the deadline: retries never go past clearance minus the margin', async () => {
			const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
				params: approvalParams({ clearanceRequiredBy: NOW + 8000, options: { safetyMarginMs: 5000 } }),
				items: itemsOf(customers(1)),
				continueOnFail: true,
				reply: () => ({ statusCode: 503, body: 'busy' }),
			});
			expect(requests.length).toBeGreaterThan(1);
			expect(clock.clock?.state.now).toBeLessThanOrEqual(NOW + 3000);
			expect(output[0].json.error).toBeDefined();
			expect(output[0].json.sent).toBeUndefined();
		});

		it('refuses an unreadable clearance time, naming the field', async () => {
			const error = await failure(
				run('conditionalExecution', 'approveCustomers', {
					params: approvalParams({ clearanceRequiredBy: 'tomorrow' }),
					items: itemsOf(customers(1)),
				}),
			);
			expect(error.message).toMatch(/^Item 0: Clearance Required By cannot read "tomorrow" as a time/);
		});
	});
});

describe('Approve Customers, one item per customer at scale: the guard once per run, calls as batches fill', () => {
	const FROM_TRIGGER = "={{ $('Optimove Trigger').first().json.clearanceRequiredBy }}";
	// The node as n8n stores it; CustomerID is left out of the fast path so that every item's read is seen.
	const raw = (clearanceRequiredBy: unknown, options: Record<string, unknown> = {}) => ({
		input: 'item',
		campaignId: '={{ $json.CampaignID }}',
		customerId: '={{ $json.CustomerID + "" }}',
		approved: '={{ $json.ok }}',
		clearanceRequiredBy,
		options,
	});
	const reads = (events: string[], name: string) => events.filter((e) => e.startsWith(`param ${name} `));

	it("evaluates a clearance time taken from the trigger with .first() once per run, not once per customer", async () => {
		const { events, requests, output } = await run('conditionalExecution', 'approveCustomers', {
			raw: raw(FROM_TRIGGER, { safetyMarginMs: 5000 }),
			params: approvalParams({ clearanceRequiredBy: '2026-11-22 10:00:00', options: { safetyMarginMs: 5000 } }),
			items: itemsOf(customers(25_000)),
		});
		expect(reads(events, 'clearanceRequiredBy')).toEqual(['param clearanceRequiredBy 0']);
		expect(reads(events, 'options')).toEqual(['param options 0']);
		expect(reads(events, 'customerId')).toHaveLength(25_000);
		expect(requests).toHaveLength(3);
		expect(output.every((o) => o.json.sent === true)).toBe(true);
	});

	it.each([
		["the trigger's paired item", "={{ $('Optimove Trigger').item.json.clearanceRequiredBy }}"],
		['a field of the item', '={{ $json.clearance + "" }}'],
		['the clock', '={{ $now.plus({ hours: 1 }).toISO() }}'],
	])('evaluates a clearance time that depends on %s for every item, and honours each', async (_label, expression) => {
		const rows = customers(4).map((row, k) => ({ ...row, clearance: k === 2 ? '2026-11-22 08:00:00' : '2026-11-22 10:00:00' }));
		const { events, requests, output } = await run('conditionalExecution', 'approveCustomers', {
			raw: raw(expression),
			params: approvalParams({ clearanceRequiredBy: (item: IDataObject) => item.clearance }),
			items: itemsOf(rows),
			continueOnFail: true,
		});
		expect(reads(events, 'clearanceRequiredBy')).toEqual([0, 1, 2, 3].map((i) => `param clearanceRequiredBy ${i}`));
		expect(bodies(requests)[0].PromosUpdated.map((p) => p.CustomerID)).toEqual(['C1', 'C2', 'C4']);
		expect(output.map((o) => o.json.sent ?? o.json.error)).toEqual([
			true,
			true,
			'Item 2: approval not sent: the deadline 2026-11-22T08:00:00.000Z passed 3600000 ms ago; Optimove counts unreported customers as rejected',
			true,
		]);
	});

	it('sends each call as soon as 10 000 customers are read, before reading the next customer', async () => {
		const { events, requests } = await run('conditionalExecution', 'approveCustomers', {
			raw: raw(FROM_TRIGGER),
			params: approvalParams({ clearanceRequiredBy: '2026-11-22 10:00:00' }),
			items: itemsOf(customers(25_000)),
		});
		expect(bodies(requests).map((b) => b.PromosUpdated.length)).toEqual([10_000, 10_000, 5_000]);
		const at = (event: string) => events.indexOf(event);
		expect(at('request 1')).toBeGreaterThan(at('param customerId 9999'));
		expect(at('request 1')).toBeLessThan(at('param customerId 10000'));
		expect(at('request 2')).toBeGreaterThan(at('param customerId 19999'));
		expect(at('request 2')).toBeLessThan(at('param customerId 20000'));
		expect(at('request 3')).toBeGreaterThan(at('param customerId 24999'));
	});

	it('a campaign whose 10 000th customer comes later still gets its call as soon as it is full; partial calls go at the end', async () => {
		const rows = [...customers(3, 2), ...customers(10_000, 1), ...customers(2, 2)];
		const { requests, output } = await run('conditionalExecution', 'approveCustomers', {
			raw: raw(''),
			params: approvalParams(),
			items: itemsOf(rows),
		});
		expect(bodies(requests).map((b) => [b.CampaignID, b.PromosUpdated.length])).toEqual([
			[1, 10_000],
			[2, 5],
		]);
		expect(output.map((o) => o.json.batch)).toEqual([2, 2, 2, ...Array(10_000).fill(1), 2, 2]);
		expect(output.map((o) => (o.pairedItem as { item: number }).item)).toEqual(rows.map((_, i) => i));
	});

	describe('the guard stays exact', () => {
		it.each([
			[5001, 1],
			[5000, 0],
		])('clearance %d ms away with a 5 000 ms margin: %d call(s)', async (awayMs, calls) => {
			const { requests, output } = await run('conditionalExecution', 'approveCustomers', {
				raw: raw(FROM_TRIGGER, { safetyMarginMs: 5000 }),
				params: approvalParams({ clearanceRequiredBy: NOW + awayMs, options: { safetyMarginMs: 5000 } }),
				items: itemsOf(customers(3)),
				continueOnFail: true,
			});
			expect(requests).toHaveLength(calls);
			expect(output.map((o) => o.json.sent === true)).toEqual(Array(3).fill(calls === 1));
		});

		it('a clearance time passing during the run: the calls before it are sent, every later customer fails, none is sent late', async () => {
			const deadline = NOW + 60_000;
			const { requests, output } = await run('conditionalExecution', 'approveCustomers', {
				raw: raw(FROM_TRIGGER, { safetyMarginMs: 5000 }),
				params: approvalParams({ clearanceRequiredBy: deadline, options: { safetyMarginMs: 5000 } }),
				items: itemsOf(customers(10_050)),
				continueOnFail: true,
				// Optimove answers the first call exactly when only the margin is left.
				reply: (_request, call) => {
					if (call === 1) clock.clock?.advance(deadline - 5000 - NOW);
					return { statusCode: 200 };
				},
			});
			expect(requests).toHaveLength(1);
			expect(output.slice(0, 10_000).every((o) => o.json.sent === true && o.json.batch === 1)).toBe(true);
			const failed = output.slice(10_000);
			expect(failed).toHaveLength(50);
			expect(failed.every((o) => o.json.sent === undefined && /approval not sent: the deadline .* is only 5000 ms away/.test(String(o.json.error)))).toBe(true);
			expect(failed.map((o) => (o.pairedItem as { item: number }).item)).toEqual(Array.from({ length: 50 }, (_, k) => 10_000 + k));
		});

		it('customers read in time whose call would leave too late are not sent', async () => {
			const deadline = NOW + 60_000;
			const { requests, output } = await run('conditionalExecution', 'approveCustomers', {
				raw: raw(FROM_TRIGGER),
				params: approvalParams({ clearanceRequiredBy: deadline }),
				// Two campaigns, each one partial call at the end; the first answer comes when only the margin is left.
				items: itemsOf([...customers(2, 1), ...customers(2, 2)]),
				continueOnFail: true,
				reply: (_request, call) => {
					if (call === 1) clock.clock?.advance(deadline - 5000 - NOW);
					return { statusCode: 200 };
				},
			});
			expect(bodies(requests).map((b) => b.CampaignID)).toEqual([1]);
			expect(output.map((o) => o.json.sent ?? o.json.error)).toEqual([
				true,
				true,
				...Array(2).fill(
					'approval not sent: the deadline 2026-11-22T09:01:00.000Z is only 5000 ms away, inside the safety margin of 5000 ms; Optimove counts unreported customers as rejected',
				),
			]);
		});
	});

	it('without continueOnFail, an invalid customer after a sent call stops the node and says what was sent', async () => {
		const rows = customers(10_002);
		rows[10_001].CustomerID = null;
		const error = await failure(
			run('conditionalExecution', 'approveCustomers', { raw: raw(''), params: approvalParams({ customerId: (item: IDataObject) => item.CustomerID }), items: itemsOf(rows) }),
		);
		expect(error.message).toBe('Item 10001: Customer ID must be a non-empty text or a number, got null');
		expect(error.description).toBe('Item 10001 stopped the node; 10000 item(s) in earlier batches were accepted by Optimove; the other 2 were not sent.');
	});

	it('without continueOnFail, a failed call while reading stops the node and says the rest was not sent', async () => {
		const error = await failure(
			run('conditionalExecution', 'approveCustomers', {
				raw: raw(''),
				params: approvalParams(),
				items: itemsOf(customers(30_000)),
				reply: (_request, call) => (call === 2 ? { statusCode: 400, body: 'bad' } : { statusCode: 200 }),
			}),
		);
		expect(error.description).toMatch(/Batch 2 \(items 10000–19999\) failed; 10000 item\(s\) in earlier batches were accepted by Optimove; the other 20000 were not sent\.$/);
	});
});

describe('Conditional Execution: Approve Customers from customer lists (page mode)', () => {
	const listParams = (extra: Record<string, unknown> = {}) => ({
		input: 'list',
		customersField: 'customers',
		campaignId: (item: IDataObject) => item.CampaignID,
		approved: true,
		clearanceRequiredBy: '',
		options: {},
		...extra,
	});
	const page = (n: number, from = 0) =>
		Array.from({ length: n }, (_, k) => ({ CustomerID: `C${from + k + 1}`, approved: (from + k) % 4 !== 0 }));

	it('sends each list in calls of at most 10 000, with per-entry flags, one output per input item', async () => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: listParams(),
			items: itemsOf([
				{ CampaignID: 1359, customers: page(10_001) },
				{ CampaignID: 1359, customers: ['X1', 42] },
			]),
		});
		expect(bodies(requests).map((b) => b.PromosUpdated.length)).toEqual([10_000, 1, 2]);
		expect(bodies(requests)[0].PromosUpdated[0]).toEqual({ CustomerID: 'C1', Status: false });
		expect(bodies(requests)[2].PromosUpdated).toEqual([
			{ CustomerID: 'X1', Status: true },
			{ CustomerID: '42', Status: true },
		]);
		expect(output).toEqual([
			{ json: { campaignId: 1359, approved: 7500, rejected: 2501, calls: 2, sent: true }, pairedItem: { item: 0 } },
			{ json: { campaignId: 1359, approved: 2, rejected: 0, calls: 1, sent: true }, pairedItem: { item: 1 } },
		]);
	});

	it('refuses a list entry it cannot read, naming the item and position, and sends nothing of that item', async () => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: listParams(),
			items: itemsOf([{ CampaignID: 1359, customers: [{ CustomerID: 'C1' }, { CustomerID: 'C2', approved: 'yes' }] }, { CampaignID: 1359 }]),
			continueOnFail: true,
		});
		expect(requests).toHaveLength(0);
		expect(output[0].json.error).toBe('Item 0: customers[1] has "approved" "yes": use true or false');
		expect(output[1].json.error).toMatch(/^Item 1: field "customers" must hold a list of customers/);
	});

	it("evaluates a clearance time taken from the trigger with .first() once per run, not once per page", async () => {
		const { events, requests } = await run('conditionalExecution', 'approveCustomers', {
			raw: { input: 'list', campaignId: '={{ $json.CampaignID }}', approved: true, clearanceRequiredBy: "={{ $('Optimove Trigger').first().json.clearanceRequiredBy }}", options: {} },
			params: listParams({ clearanceRequiredBy: '2026-11-22 10:00:00' }),
			items: itemsOf([1, 2, 3].map((k) => ({ CampaignID: 1359, customers: page(2, 2 * k) }))),
		});
		expect(events.filter((e) => e.startsWith('param clearanceRequiredBy'))).toEqual(['param clearanceRequiredBy 0']);
		expect(requests).toHaveLength(3);
	});

	it('does not send a list after the clearance time', async () => {
		const { output, requests } = await run('conditionalExecution', 'approveCustomers', {
			params: listParams({ clearanceRequiredBy: '2026-11-22 08:59:00' }),
			items: itemsOf([{ CampaignID: 1359, customers: page(3) }]),
			continueOnFail: true,
		});
		expect(requests).toHaveLength(0);
		expect(output[0].json.error).toMatch(/approval not sent: the deadline 2026-11-22T08:59:00.000Z passed 60000 ms ago/);
	});
});

describe('deadline parsing', () => {
	it.each([
		['2026-11-22 09:30:00', Date.UTC(2026, 10, 22, 9, 30)],
		['2026-11-22T09:30:00', Date.UTC(2026, 10, 22, 9, 30)],
		['2026-11-22T11:30:00+02:00', Date.UTC(2026, 10, 22, 9, 30)],
		[1795339800, 1795339800000],
		[1795339800123, 1795339800123],
		['1795339800123', 1795339800123],
	])('%s', (value, at) => {
		expect(parseDeadline(value)).toEqual({ at });
	});
	it('empty means no deadline', () => {
		expect(parseDeadline('')).toEqual({});
		expect(parseDeadline(undefined)).toEqual({});
	});
	it("never reads a text in the server's time zone: a text without an offset is UTC, a local-style date is refused", () => {
		expect(parseDeadline('Nov 22 2026 09:30')).toEqual({ error: expect.stringMatching(/^cannot read "Nov 22 2026 09:30" as a time/) });
		const zone = Settings.defaultZone;
		try {
			for (const local of ['America/New_York', 'Asia/Kolkata']) {
				Settings.defaultZone = local;
				expect(parseDeadline('2026-11-22T09:30')).toEqual({ at: Date.UTC(2026, 10, 22, 9, 30) });
				expect(parseDeadline('2026-11-22')).toEqual({ at: Date.UTC(2026, 10, 22) });
			}
		} finally {
			Settings.defaultZone = zone;
		}
	});
});

describe('Conditional Execution: Send Triggered Approval', () => {
	const params = (extra: Record<string, unknown> = {}) => ({
		requestUid: (item: IDataObject) => (item.body as IDataObject).request_uid,
		approved: true,
		approvalDeadline: (item: IDataObject) => item.approvalDeadline,
		options: {},
		...extra,
	});

	it('posts timestamp (now, ms), request_uid, approved and additional_data', async () => {
		const { requests, output } = await run('conditionalExecution', 'sendTriggeredApproval', {
			params: params({ options: { additionalData: '{"reason":"vip"}' } }),
			items: itemsOf([{ body: { request_uid: 'r-1' }, approvalDeadline: new Date(NOW + 10_000).toISOString() }]),
		});
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/conditional-execution/v2/triggered/approval',
				qs: {},
				body: { timestamp: NOW, request_uid: 'r-1', approved: true, additional_data: { reason: 'vip' } },
			},
		]);
		expect(output).toEqual([{ json: { requestUid: 'r-1', approved: true, sent: true, status: 200 }, pairedItem: { item: 0 } }]);
	});

	it('sends with the default margin when the deadline is the usual few seconds away', async () => {
		// Optimove's default timeout is 5 s after the notification; n8n typically answers within 1 s.
		const { requests, output } = await run('conditionalExecution', 'sendTriggeredApproval', {
			params: params(),
			items: itemsOf([{ body: { request_uid: 'r-usual' }, approvalDeadline: NOW + 4000 }]),
		});
		expect(requests).toHaveLength(1);
		expect(output[0].json.sent).toBe(true);
	});

	it('does not send after the deadline; the override sends', async () => {
		const items = itemsOf([{ body: { request_uid: 'r-2' }, approvalDeadline: NOW - 250 }]);
		const late = await run('conditionalExecution', 'sendTriggeredApproval', { params: params(), items, continueOnFail: true });
		expect(late.requests).toHaveLength(0);
		expect(late.output[0].json.error).toBe(
			'Item 0: approval not sent: the deadline 2026-11-22T08:59:59.750Z passed 250 ms ago; Optimove counts unreported customers as rejected',
		);
		const forced = await run('conditionalExecution', 'sendTriggeredApproval', { params: params({ options: { sendLate: true } }), items });
		expect(forced.requests).toHaveLength(1);
	});

	it('passes the deadline to the transport: retries stop before it', async () => {
		const { output, requests } = await run('conditionalExecution', 'sendTriggeredApproval', {
			params: params({ options: { safetyMarginMs: 100 } }),
			items: itemsOf([{ body: { request_uid: 'r-3' }, approvalDeadline: NOW + 400 }]),
			continueOnFail: true,
			reply: () => ({ statusCode: 503, body: { message: 'busy' } }),
		});
		expect(requests.length).toBeGreaterThanOrEqual(1);
		expect(clock.clock?.state.now).toBeLessThanOrEqual(NOW + 300);
		expect(output[0].json.error).toBeDefined();
	});

	it('refuses bad additional data and a non-boolean approval', async () => {
		const items = itemsOf([{ body: { request_uid: 'r-4' }, approvalDeadline: '' }]);
		let error = await failure(run('conditionalExecution', 'sendTriggeredApproval', { params: params({ options: { additionalData: '{oops' } }), items }));
		expect(error.message).toMatch(/^Item 0: Additional Data is not valid JSON/);
		error = await failure(run('conditionalExecution', 'sendTriggeredApproval', { params: params({ approved: 1 }), items }));
		expect(error.message).toBe('Item 0: Approved must be true or false, got number 1');
	});
});

describe('Conditional Execution: triggered settings', () => {
	const secret = fakeSecret('tenant-secret');

	it('get: the secret is masked, never output in clear', async () => {
		const { requests, output } = await run('conditionalExecution', 'getTriggeredSettings', {
			params: {},
			reply: () => ({ statusCode: 200, body: { timeout: 5000, secret } }),
		});
		expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', '/conditional-execution/v2/triggered/settings']]);
		expect(output[0].json).toEqual({ timeout: 5000, secret: '********', secretSet: true });
		expect(JSON.stringify(output)).not.toContain(secret);
	});

	it('update: PUT {timeout, secret}; output masked; an empty secret is left out', async () => {
		const { requests, output } = await run('conditionalExecution', 'updateTriggeredSettings', {
			params: { timeout: 3000, secret },
			reply: (request) => ({ statusCode: 200, body: request.body }),
		});
		expect(requests).toEqual([{ method: 'PUT', path: '/conditional-execution/v2/triggered/settings', qs: {}, body: { timeout: 3000, secret } }]);
		expect(JSON.stringify(output)).not.toContain(secret);
		const unchanged = await run('conditionalExecution', 'updateTriggeredSettings', { params: { timeout: 3000, secret: '' } });
		expect(unchanged.requests[0].body).toEqual({ timeout: 3000 });
		expect(unchanged.output[0].json).toEqual({ timeout: 3000, secret: null, secretSet: false });
	});

	it('update: an error echoing the secret does not reveal it', async () => {
		const error = await failure(
			run('conditionalExecution', 'updateTriggeredSettings', {
				params: { timeout: 3000, secret },
				reply: () => ({ statusCode: 400, body: { message: `secret ${secret} is too short` } }),
			}),
		);
		expect(`${error.message} ${error.description}`).not.toContain(secret);
	});
});
