import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { getExecutionChannels } from '../../shared/channels';
import { optimoveRequest } from '../../shared/transport';

export { getExecutionChannels };

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
