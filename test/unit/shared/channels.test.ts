import { Optimove } from '../../../nodes/Optimove/Optimove.node';
import { OptimoveTrigger } from '../../../nodes/OptimoveTrigger/OptimoveTrigger.node';
import { getExecutionChannels } from '../../../nodes/shared/channels';
import { useTestClock } from '../helpers/clock';
import { n8nContext, REST_CREDENTIALS } from '../helpers/n8nContext';

useTestClock();

describe('Execution channel dropdown', () => {
	it('reads ChannelID or ChannelId, names each "Name (ID)" and sorts by name', async () => {
		const body = [
			{ ChannelID: 505, ChannelName: 'SMS' },
			{ ChannelId: 12, ChannelName: 'Email' },
			{ ChannelID: 7 },
		];
		const { ctx } = n8nContext({ credentials: REST_CREDENTIALS, reply: () => ({ statusCode: 200, body }) });
		expect(await getExecutionChannels.call(ctx as never)).toEqual([
			{ name: '7 (7)', value: 7 },
			{ name: 'Email (12)', value: 12 },
			{ name: 'SMS (505)', value: 505 },
		]);
		expect(ctx.helpers.httpRequestWithAuthentication.mock.calls[0][1]).toMatchObject({ method: 'GET', url: `${REST_CREDENTIALS.optimoveApi.baseUrl}/Actions/GetExecutionChannels` });
	});

	it('is one method shared by the trigger and the action node', () => {
		expect(new OptimoveTrigger().methods.loadOptions.getExecutionChannels).toBe(getExecutionChannels);
		expect((new Optimove().methods as { loadOptions: Record<string, unknown> }).loadOptions.getExecutionChannels).toBe(getExecutionChannels);
	});
});
