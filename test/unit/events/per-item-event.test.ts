import type { IDataObject, INodeExecutionData, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { Optimove } from '../../../nodes/Optimove/Optimove.node';
import { RESOURCES } from '../../../nodes/Optimove/actions/router';
import { useTestClock } from '../helpers/clock';
import { EVENTS_CREDENTIALS, n8nContext, TEST_NODE } from '../helpers/n8nContext';

// Send OOTB Event with Event Source "Per Item": one source feeding several event types.

const testClock = useTestClock();

interface Sent {
	body: IDataObject[];
	at: number;
}

/** Runs the operation on a fake n8n context; `params` values may be per-item functions (expressions). */
async function send(rows: IDataObject[], params: Record<string, unknown>, options: { continueOnFail?: boolean } = {}) {
	const items: INodeExecutionData[] = rows.map((json) => ({ json }));
	const sent: Sent[] = [];
	// Per-item values stand for expressions on the node that read the item (so n8n is asked per item).
	const onNode = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'function' ? '={{ expression($json) }}' : value]));
	const { ctx } = n8nContext({
		node: { parameters: onNode as INodeParameters },
		credentials: { optimoveEventsApi: EVENTS_CREDENTIALS },
		items,
		params,
		continueOnFail: options.continueOnFail,
		http: async (_type, request) => {
			sent.push({ body: request.body as IDataObject[], at: testClock.clock?.state.now ?? 0 });
			return { statusCode: 200, body: { status: 'success', message: 'ok' }, headers: {} };
		},
	});
	const output = await RESOURCES.event.operations.sendOotbEvent.execute.call(ctx as never, items);
	return { output, sent };
}

const ITEM_FIELDS = { eventSource: 'perItem', eventName: (item: IDataObject) => item.type, parametersFrom: 'item', customerField: 'customer', visitorField: 'visitor', timeField: 'timestamp' };

describe('Send OOTB Event: the event chosen per item', () => {
	it('each item becomes its own event, validated against its own catalogue entry', async () => {
		const rows = [
			{ type: 'ootb_deposit', customer: 'C1', transaction_id: 't1', deposit_amount: '10' },
			{ type: 'withdrawal', customer: 'C2', transaction_id: 't2', withdrawal_timestamp: 1716805800, withdrawal_amount: 5 },
			{ type: 'ootb_deposit', customer: 'C3' },
			{ type: 'ootb_withdrawal', customer: 'C4', transaction_id: 't4' },
			{ type: 'ootb_bonus', customer: 'C5' },
		];
		const { output, sent } = await send(rows, ITEM_FIELDS, { continueOnFail: true });
		expect(sent).toHaveLength(1);
		expect(sent[0].body.map((e) => [e.event, e.customer, e.context])).toEqual([
			['ootb_deposit', 'C1', { ootb_transaction_id: 't1', ootb_deposit_amount: 10 }],
			['ootb_withdrawal', 'C2', { ootb_transaction_id: 't2', ootb_withdrawal_timestamp: '2024-05-27T10:30:00Z', ootb_withdrawal_amount: 5 }],
		]);
		expect(output.map((o) => o.json.error ?? o.json.event)).toEqual([
			'ootb_deposit',
			'ootb_withdrawal',
			'Item 2: ootb_deposit requires ootb_transaction_id',
			'Item 3: ootb_withdrawal requires ootb_withdrawal_timestamp',
			expect.stringMatching(/^Item 4: unknown OOTB event "ootb_bonus": use one of ootb_registration, .*ootb_deposit/),
		]);
		expect(output.map((o) => o.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
	});

	it('an item without an event name is an item error that says what to give', async () => {
		const error = await send([{ customer: 'C1' }], ITEM_FIELDS).catch((e: Error) => e);
		expect((error as Error).message).toMatch(/^Item 0: unknown OOTB event "": use one of ootb_registration/);
	});

	it('registrations and user-details updates never share a request with each other or other events; the rest are batched together', async () => {
		const rows = Array.from({ length: 40 }, (_, k) =>
			[
				{ type: 'ootb_registration', customer: `R${k}` },
				{ type: 'ootb_user_details_update', customer: `U${k}`, first_name: 'A' },
				{ type: 'ootb_deposit', customer: `D${k}`, transaction_id: `t${k}` },
				{ type: 'ootb_game_session', customer: `G${k}`, session_start_timestamp: 1716805800, session_end_timestamp: 1716805900, game_code: 'g' },
			][k % 4],
		);
		const { output, sent } = await send(rows, ITEM_FIELDS);
		expect(output.every((o) => o.json.sent === true)).toBe(true);
		expect(sent.flatMap((s) => s.body)).toHaveLength(40);
		for (const { body } of sent) {
			expect(body.length).toBeLessThanOrEqual(10);
			const types = new Set(body.map((e) => e.event));
			if (types.has('ootb_registration') || types.has('ootb_user_details_update')) expect(types.size).toBe(1);
		}
		const typesPerRequest = sent.map((s) => [...new Set(s.body.map((e) => e.event))].sort().join('+'));
		expect(typesPerRequest).toEqual(['ootb_deposit+ootb_game_session', 'ootb_deposit+ootb_game_session', 'ootb_registration', 'ootb_user_details_update']);
	});

	it('mixed batches keep the 50 requests per 10 s rule for rate-limited events only', async () => {
		const rows = Array.from({ length: 1020 }, (_, k) =>
			k % 2 ? { type: 'ootb_registration', customer: `R${k}` } : { type: 'ootb_user_details_update', customer: `U${k}`, first_name: 'A' },
		);
		rows.push(...Array.from({ length: 600 }, (_, k) => ({ type: 'ootb_deposit', customer: `D${k}`, transaction_id: `t${k}` })));
		const { sent } = await send(rows, ITEM_FIELDS);
		const limited = sent.filter((s) => s.body[0].event !== 'ootb_deposit');
		expect(limited).toHaveLength(102);
		// registrations and user-details updates share one budget of 50 requests per 10 s
		for (let i = 50; i < limited.length; i++) expect(limited[i].at - limited[i - 50].at).toBeGreaterThanOrEqual(10_000);
		const deposits = sent.filter((s) => s.body[0].event === 'ootb_deposit');
		expect(deposits).toHaveLength(60);
		expect(deposits[59].at - deposits[0].at).toBe(0);
	});

	it('Define Below takes name/value pairs checked per item; an empty value is left out, so one list serves several events', async () => {
		const rows = [
			{ type: 'deposit', id: 'C1', tx: 't1', amount: 12.5 },
			{ type: 'withdrawal', id: 'C2', tx: 't2', amount: 3, at: '2024-05-27T12:30:00+02:00' },
		];
		const { output, sent } = await send(rows, {
			eventSource: 'perItem',
			eventName: (item: IDataObject) => item.type,
			parametersFrom: 'fields',
			identifyBy: 'customer',
			identity: (item: IDataObject) => item.id,
			eventTime: '',
			eventParameters: (item: IDataObject) => ({
				parameter: [
					{ name: 'ootb_transaction_id', value: item.tx },
					{ name: 'deposit_amount', value: item.type === 'deposit' ? item.amount : '' },
					{ name: 'ootb_withdrawal_amount', value: item.type === 'withdrawal' ? item.amount : '' },
					{ name: 'withdrawal_timestamp', value: item.at ?? '' },
				],
			}),
		});
		expect(output.every((o) => o.json.sent === true)).toBe(true);
		expect(sent[0].body.map((e) => [e.event, e.customer, e.context])).toEqual([
			['ootb_deposit', 'C1', { ootb_transaction_id: 't1', ootb_deposit_amount: 12.5 }],
			['ootb_withdrawal', 'C2', { ootb_transaction_id: 't2', ootb_withdrawal_amount: 3, ootb_withdrawal_timestamp: '2024-05-27T10:30:00Z' }],
		]);
	});

	it('a fixed event ignores an Event Name left on the node (workflows without Event Source keep working as before)', async () => {
		const { sent } = await send([{ customer: 'C1', transaction_id: 't1', type: 'ootb_withdrawal' }], {
			event: 'ootb_deposit',
			eventName: (item: IDataObject) => item.type,
			parametersFrom: 'item',
			customerField: 'customer',
			visitorField: 'visitor',
			timeField: 'timestamp',
		});
		expect(sent[0].body[0]).toMatchObject({ event: 'ootb_deposit', context: { ootb_transaction_id: 't1' } });
	});
});

describe("Send OOTB Event: n8n's parameter check (what publishing runs)", () => {
	const description = new Optimove().description as INodeTypeDescription;
	const issuesOf = (parameters: Record<string, unknown>) => {
		const node = { ...TEST_NODE, parameters: { resource: 'event', operation: 'sendOotbEvent', ...parameters } } as never;
		const resolved = NodeHelpers.getNodeParameters(description.properties as INodeProperties[], (node as { parameters: never }).parameters, true, false, node, description);
		return NodeHelpers.getNodeParametersIssues(description.properties, { ...(node as object), parameters: resolved } as never, description);
	};

	it('an event per item from an expression has no missing required parameters', () => {
		expect(issuesOf({ eventSource: 'perItem', eventName: '={{ $json.type }}', identity: '={{ $json.customer }}' })).toBeNull();
		expect(issuesOf({ eventSource: 'perItem', eventName: '={{ $json.type }}', parametersFrom: 'item' })).toBeNull();
	});

	it('a fixed event still requires its own mandatory fields, exactly as before', () => {
		const issues = issuesOf({ event: 'ootb_deposit', identity: '={{ $json.customer }}' });
		expect(Object.keys(issues?.parameters ?? {})).toEqual(['mandatory_transaction_id']);
		expect(issuesOf({ event: 'ootb_deposit', identity: '={{ $json.customer }}', mandatory_transaction_id: '={{ $json.tx }}' })).toBeNull();
	});
});
