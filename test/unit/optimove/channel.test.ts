import type { IDataObject } from 'n8n-workflow';
import { failure, itemsOf, run } from '../helpers/harness';
import { useTestClock } from '../helpers/clock';

useTestClock();

const fromItem = (field: string) => (item: IDataObject) => item[field];
const templates = (n: number, channel = 505) =>
	itemsOf(Array.from({ length: n }, (_, k) => ({ ChannelID: channel, TemplateID: k + 1, TemplateName: `T${k + 1}` })));
const templateParams = { channelId: fromItem('ChannelID'), templateId: fromItem('TemplateID'), templateName: fromItem('TemplateName') };

describe('Channel: reads', () => {
	it('Get Channels: GET /Actions/GetExecutionChannels, either ID spelling', async () => {
		const { requests, output } = await run('channel', 'getChannels', {
			params: {},
			reply: () => ({ statusCode: 200, body: [{ ChannelID: 505, ChannelName: 'SMS' }, { ChannelId: 506, ChannelName: 'Push' }] }),
		});
		expect(requests.map((r) => [r.method, r.path])).toEqual([['GET', '/Actions/GetExecutionChannels']]);
		expect(output.map((o) => o.json)).toEqual([
			{ ChannelID: 505, ChannelName: 'SMS' },
			{ ChannelID: 506, ChannelName: 'Push' },
		]);
	});

	it('Get Templates: GET /Integrations/GetChannelTemplates?ChannelID', async () => {
		const { requests, output } = await run('channel', 'getTemplates', {
			params: { channelId: 505 },
			reply: () => ({ statusCode: 200, body: [{ TemplateID: 7, TemplateName: 'Bonus SMS' }] }),
		});
		expect(requests).toEqual([{ method: 'GET', path: '/Integrations/GetChannelTemplates', qs: { ChannelID: 505 }, body: undefined }]);
		expect(output).toEqual([{ json: { ChannelID: 505, TemplateID: 7, TemplateName: 'Bonus SMS' }, pairedItem: { item: 0 } }]);
	});
});

describe('Channel: Add Templates', () => {
	it('posts [{TemplateID, TemplateName}] with ChannelID in the query, one output per item', async () => {
		const { requests, output } = await run('channel', 'addTemplates', { params: templateParams, items: templates(2) });
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/Integrations/AddChannelTemplates',
				qs: { ChannelID: 505 },
				body: [
					{ TemplateID: 1, TemplateName: 'T1' },
					{ TemplateID: 2, TemplateName: 'T2' },
				],
			},
		]);
		expect(output[1]).toEqual({ json: { channelId: 505, templateId: 2, templateName: 'T2', added: true, batch: 1 }, pairedItem: { item: 1 } });
	});

	it.each([
		[99, [99]],
		[100, [100]],
		[101, [100, 1]],
	])('%d templates → calls of %j', async (n, sizes) => {
		const { requests, output } = await run('channel', 'addTemplates', { params: templateParams, items: templates(n) });
		expect(requests.map((r) => (r.body as unknown[]).length)).toEqual(sizes);
		expect(output).toHaveLength(n);
	});

	it('groups per channel', async () => {
		const items = [...templates(2, 505), ...templates(1, 506), ...templates(1, 505)];
		const { requests } = await run('channel', 'addTemplates', { params: templateParams, items });
		expect(requests.map((r) => [r.qs.ChannelID, (r.body as unknown[]).length])).toEqual([
			[505, 3],
			[506, 1],
		]);
	});

	it('refuses a template ID that is not a whole number, naming the item', async () => {
		const items = templates(2);
		items[1].json.TemplateID = '7a';
		const error = await failure(run('channel', 'addTemplates', { params: templateParams, items }));
		expect(error.message).toBe('Item 1: Template ID must be a positive whole number, got "7a"');
	});
});

describe('Channel: Delete Templates', () => {
	it.each([
		[99, [99]],
		[100, [100]],
		[101, [100, 1]],
	])('%d deletions → calls of %j, body [{ChannelID, TemplateID}]', async (n, sizes) => {
		const { requests, output } = await run('channel', 'deleteTemplates', { params: templateParams, items: templates(n) });
		expect(requests.map((r) => [r.path, (r.body as unknown[]).length])).toEqual(sizes.map((s) => ['/Integrations/DeleteChannelTemplates', s]));
		expect((requests[0].body as unknown[])[0]).toEqual({ ChannelID: 505, TemplateID: 1 });
		expect(output[n - 1].json).toEqual({ channelId: 505, templateId: n, deleted: true, batch: sizes.length });
	});
});

describe('Channel: Report Campaign Metrics', () => {
	const metricParams = {
		channelId: 505,
		campaignId: 1360,
		templateId: 7,
		metricId: fromItem('metric'),
		metricValue: fromItem('value'),
	};
	const metrics = (n: number) => itemsOf(Array.from({ length: n }, (_, k) => ({ metric: 'Delivered', value: k })));

	it.each([
		[99, [99]],
		[100, [100]],
		[101, [100, 1]],
	])('%d metrics → calls of %j', async (n, sizes) => {
		const { requests, output } = await run('channel', 'reportMetrics', { params: metricParams, items: metrics(n) });
		expect(requests.map((r) => (r.body as unknown[]).length)).toEqual(sizes);
		expect(requests[0].path).toBe('/Integrations/UpdateCampaignMetrics');
		expect((requests[0].body as unknown[])[1]).toEqual({ ChannelID: 505, CampaignID: 1360, TemplateID: 7, MetricID: 'Delivered', MetricValue: 1 });
		expect(output).toHaveLength(n);
	});

	it('with continueOnFail, a failed call becomes error items for exactly its items', async () => {
		const { output } = await run('channel', 'reportMetrics', {
			params: metricParams,
			items: metrics(150),
			continueOnFail: true,
			reply: (_r, call) => (call === 2 ? { statusCode: 400, body: 'Each metric must be a JSON object.' } : { statusCode: 200 }),
		});
		expect(output.filter((o) => o.json.reported).map((o) => (o.pairedItem as { item: number }).item)).toEqual(
			Array.from({ length: 100 }, (_, i) => i),
		);
		expect(output.filter((o) => o.json.error).map((o) => (o.pairedItem as { item: number }).item)).toEqual(
			Array.from({ length: 50 }, (_, i) => i + 100),
		);
	});

	it('refuses a metric value that is not a number', async () => {
		const items = metrics(1);
		items[0].json.value = 'many';
		const error = await failure(run('channel', 'reportMetrics', { params: metricParams, items }));
		expect(error.message).toBe('Item 0: Metric Value must be a number, got "many"');
	});
});
