import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { optimoveRequest } from './transport';

/**
 * Execution channels for a "Channel Name or ID" dropdown (both nodes use it). Optimove spells the
 * ID `ChannelID` or `ChannelId` depending on the tenant.
 */
export async function getExecutionChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { body } = await optimoveRequest.call(this, { route: 'getExecutionChannels' });
	const rows = Array.isArray(body) ? (body as Array<Record<string, unknown>>) : [];
	return rows
		.map((row) => {
			const id = row.ChannelID ?? row.ChannelId ?? row.channelId;
			const name = String(row.ChannelName ?? row.channelName ?? id);
			return { name: `${name} (${id})`, value: Number(id) };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}
