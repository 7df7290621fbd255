/**
 * Every Optimove call the package makes, in one table. Entries marked `assumed` are not in
 * Optimove's public documentation (docs/optimove-api.md §8): correcting one is a one-line
 * change here.
 */
export type ApiGroup = 'rest' | 'realtime' | 'promotions' | 'events';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
	method: HttpMethod;
	path: string;
	group: ApiGroup;
	assumed?: string;
	/** The most entries Optimove takes in one call (a write's batch). */
	batchLimit?: number;
	/** Rows asked per call of a paged list: the largest `$top` Optimove takes. */
	pageSize?: number;
}

export const ROUTES = {
	getLastDataUpdate: { method: 'GET', path: '/General/GetLastDataUpdate', group: 'rest' },
	registerEventListener: { method: 'POST', path: '/General/RegisterEventListener', group: 'rest' },
	unregisterEventListener: {
		method: 'POST',
		path: '/General/UnregisterEventListener',
		group: 'rest',
		assumed: 'body carries EventTypeID and ChannelID only; a slot is keyed by event type and channel',
	},
	getRegisteredEventListeners: {
		method: 'GET',
		path: '/General/GetRegisteredEventListeners',
		group: 'rest',
		assumed: 'response shape [{EventTypeID, ListenerURL, ChannelID}]',
	},
	getExecutionChannels: { method: 'GET', path: '/Actions/GetExecutionChannels', group: 'rest' },
	getCampaignDetails: { method: 'GET', path: '/Actions/GetCampaignDetails', group: 'rest' },
	getCustomerAttributeList: {
		method: 'GET',
		path: '/Model/GetCustomerAttributeList',
		group: 'rest',
		assumed: 'response shape [{RealFieldName, Description}]',
	},
	getProcessedCampaignCustomers: {
		method: 'GET',
		path: '/Customers/GetProcessedCampaignCustomers',
		group: 'rest',
		assumed: 'query CampaignID, CustomerAttributes, CustomerAttributesDelimiter, $top, $skip; response shape',
		pageSize: 10_000,
	},
	getCanceledCampaignCustomers: { method: 'GET', path: '/Customers/GetCanceledCampaignCustomers', group: 'rest', pageSize: 10_000 },
	getCustomerExecutionDetailsByCampaign: {
		method: 'GET',
		path: '/Customers/GetCustomerExecutionDetailsByCampaign',
		group: 'rest',
		pageSize: 10_000,
	},
	getChannelTemplates: { method: 'GET', path: '/Integrations/GetChannelTemplates', group: 'rest' },
	addChannelTemplates: { method: 'POST', path: '/Integrations/AddChannelTemplates', group: 'rest', batchLimit: 100 },
	deleteChannelTemplates: { method: 'POST', path: '/Integrations/DeleteChannelTemplates', group: 'rest', batchLimit: 100 },
	updateCampaignMetrics: { method: 'POST', path: '/Integrations/UpdateCampaignMetrics', group: 'rest', batchLimit: 100 },
	updateCustomerPromotionStatus: {
		method: 'POST',
		path: '/Integrations/UpdateCustomerPromotionStatus',
		group: 'rest',
		batchLimit: 10_000,
	},
	updateCustomerAttributes: { method: 'POST', path: '/Customers/UpdateCustomerAttributes', group: 'rest', batchLimit: 1000 },
	getCustomerAttributes: { method: 'GET', path: '/Customers/{customerId}/Attributes', group: 'rest' },
	createWebhook: { method: 'POST', path: '/conditional-execution/v2/triggered/webhooks/', group: 'realtime' },
	getWebhooks: {
		method: 'GET',
		path: '/conditional-execution/v2/triggered/webhooks/',
		group: 'realtime',
		assumed: 'list endpoint and shape [{url, id}]',
	},
	getWebhook: {
		method: 'GET',
		path: '/conditional-execution/v2/triggered/webhooks/{id}',
		group: 'realtime',
		assumed: 'path',
	},
	deleteWebhook: {
		method: 'DELETE',
		path: '/conditional-execution/v2/triggered/webhooks/{id}',
		group: 'realtime',
		assumed: 'path',
	},
	getWebhookSettings: {
		method: 'GET',
		path: '/conditional-execution/v2/triggered/settings',
		group: 'realtime',
		assumed: 'path',
	},
	updateWebhookSettings: {
		method: 'PUT',
		path: '/conditional-execution/v2/triggered/settings',
		group: 'realtime',
		assumed: 'path (body {timeout, secret} is documented)',
	},
	sendWebhookApproval: {
		method: 'POST',
		path: '/conditional-execution/v2/triggered/approval',
		group: 'realtime',
		assumed: 'path seen in a public listing; outside the REST 50/10 s group',
	},
	validatePromotionCustomers: {
		method: 'POST',
		path: '/v1/promocodes/{promocodeId}/validateCustomers',
		group: 'promotions',
		assumed: 'context shape is not public',
	},
	reportRedemption: {
		method: 'POST',
		path: '/v1/redemptions',
		group: 'promotions',
		assumed: 'route and body [{promotionId, customerId, timestamp}]: the spec is supplied by Optimove on request',
		batchLimit: 100,
	},
	sendEvents: { method: 'POST', path: '', group: 'events', batchLimit: 10 },
} satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;

/** The most entries one call of a write route takes. */
export function batchLimitOf(name: RouteName): number {
	const limit = (ROUTES[name] as Route).batchLimit;
	if (!limit) throw new Error(`The route ${name} has no batch limit`);
	return limit;
}

/** The rows one call of a paged route asks for. */
export function pageSizeOf(name: RouteName): number {
	const size = (ROUTES[name] as Route).pageSize;
	if (!size) throw new Error(`The route ${name} is not paged`);
	return size;
}
