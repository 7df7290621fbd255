import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { optimoveRequest } from '../../shared/transport';

/** Execution channels; Optimove spells the ID `ChannelID` or `ChannelId` depending on the tenant. */
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

export async function getCustomerAttributes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { body } = await optimoveRequest.call(this, { route: 'getCustomerAttributeList' });
	const rows = Array.isArray(body) ? (body as Array<Record<string, unknown>>) : [];
	return rows
		.map((row) => ({
			name: String(row.RealFieldName),
			value: String(row.RealFieldName),
			description: typeof row.Description === 'string' ? row.Description : undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export const loadOptions = { getExecutionChannels, getCustomerAttributes };
