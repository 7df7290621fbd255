// Static Optimove data the sandbox plays: channels, attributes, event types, OOTB events.
// Every table lives here so a correction is a one-line change.

/** Execution channels. One entry deliberately uses the `ChannelId` casing variant (contract §3). */
export const EXECUTION_CHANNELS = [
	{ ChannelID: 505, ChannelName: 'SMS' },
	{ ChannelID: 506, ChannelName: 'Push' },
	{ ChannelId: 507, ChannelName: 'Email' },
];

/** Listener event types and their registration rules (contract §2). */
export const EVENT_TYPES = {
	1: { name: 'CampaignProcessed', channel: 'optional' },
	2: { name: 'AllCampaignsProcessed', channel: 'optional' },
	3: { name: 'DailyProcessCompleted', channel: 'optional' },
	4: { name: 'CampaignCancelled', channel: 'optional' },
	5: { name: 'ConditionalExecution', channel: 'forbidden' },
	11: { name: 'RealtimeTrigger', channel: 'required' },
	13: { name: 'CampaignExecutedOnChannel', channel: 'required' },
};

export const COUNTRIES = ['UA', 'DE', 'GB', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'BR'];
export const FIRST_NAMES = ['Anna', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Julia', 'Kofi'];
export const VIP_LEVELS = ['Bronze', 'Silver', 'Gold', 'Platinum'];

/**
 * Customer attributes (GetCustomerAttributeList / GetCustomerAttributes) and how each is generated
 * for customer index i (1-based) of a campaign. Generation is a pure function of i, so tests can
 * compute any expected row.
 */
export const CUSTOMER_ATTRIBUTES = [
	{ RealFieldName: 'Alias', Alias: 'Alias', FieldType: 'Nvarchar', Description: 'Player alias / nickname', gen: (i) => `Player${i}` },
	{ RealFieldName: 'Country', Alias: 'Country', FieldType: 'Nvarchar', Description: 'ISO 3166-1 alpha-2 country code', gen: (i) => COUNTRIES[i % COUNTRIES.length] },
	{ RealFieldName: 'Email', Alias: 'Email', FieldType: 'Nvarchar', Description: 'Email address', gen: (i) => `c${i}@example.test` },
	{ RealFieldName: 'FirstName', Alias: 'First Name', FieldType: 'Nvarchar', Description: 'First name', gen: (i) => FIRST_NAMES[i % FIRST_NAMES.length] },
	{ RealFieldName: 'VIP_Level', Alias: 'VIP Level', FieldType: 'Nvarchar', Description: 'VIP tier (Bronze, Silver, Gold, Platinum)', gen: (i) => VIP_LEVELS[i % VIP_LEVELS.length] },
	{ RealFieldName: 'OptIn', Alias: 'Opt In', FieldType: 'Nvarchar', Description: 'Marketing opt-in (Yes/No)', gen: (i) => (i % 3 === 0 ? 'No' : 'Yes') },
	{ RealFieldName: 'Balance', Alias: 'Balance', FieldType: 'Decimal', Description: 'Account balance in site currency', gen: (i) => String((i * 37) % 1000) + '.00' },
	{ RealFieldName: 'EmailStatus', Alias: 'Email Status', FieldType: 'Nvarchar', Description: 'Email reachability (Active, Unsubscribed, Bounced)', gen: () => 'Active' },
];

/** Actions of a generated campaign: customer i gets ACTIONS[i % ACTIONS.length]. */
export const ACTIONS = [
	{ ActionID: 1, PromoCode: 'WELCOME10', TemplateID: 7, TemplateName: 'Bonus SMS' },
	{ ActionID: 2, PromoCode: 'BONUS20', TemplateID: 8, TemplateName: 'Reload Push' },
];

/** Channel templates seeded at start (per channel). */
export const SEED_TEMPLATES = {
	505: [
		{ TemplateID: 7, TemplateName: 'Bonus SMS' },
		{ TemplateID: 8, TemplateName: 'Reload Push' },
	],
};

/** Which API groups an "integrations" key may reach (contract §1 "Key types"). Keys are lower-cased route ids. */
export const INTEGRATIONS_ALLOWED = new Set([
	'general/getlastdataupdate',
	'general/registereventlistener',
	'general/unregistereventlistener',
	'general/getregisteredeventlisteners',
	'actions/getcampaigndetails',
	'actions/getexecutionchannels',
	'integrations/getchanneltemplates',
	'integrations/addchanneltemplates',
	'integrations/deletechanneltemplates',
	'integrations/updatecampaignmetrics',
]);

export const RATE_LIMIT_BODY = {
	status: 429,
	error: 'Too Many Requests',
	message: 'You have exceeded the rate limit for this API group. Please retry later.',
};

/** Server-side events: the envelope timestamp format, exactly. */
export const EVENT_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6} UTC$/;
export const SNAKE_CASE_RE = /^[a-z][a-z0-9_]*$/;
export const MAX_EVENTS_PER_REQUEST = 10;
export const MAX_PARAM_LENGTH = 255;
/** Events whose requests share the 50 requests / 10 s limit. */
export const REGISTRATION_LIMITED_EVENTS = new Set(['ootb_registration', 'ootb_user_details_update']);

/**
 * OOTB events (contract §5): primary keys and mandatory context params.
 * `primaryKeys` lists the envelope/context keys Optimove dedups on; `mandatory` are context params
 * that must be present and non-empty. `customer` is required (visitor not allowed) for all of them.
 * `enums` / `iso` produce warnings only (not rejections).
 */
const REG_ENUMS = {
	ootb_status: ['Started', 'Completed', 'Failed'],
	ootb_allow_email: ['Yes', 'No'],
	ootb_allow_sms: ['Yes', 'No'],
	ootb_allow_push: ['Yes', 'No'],
	ootb_allow_whatsapp: ['Yes', 'No'],
};
export const OOTB_EVENTS = {
	ootb_registration: { verticals: ['all'], primaryKeys: ['customer'], mandatory: [], enums: REG_ENUMS, dates: ['ootb_date_of_birth'] },
	ootb_user_details_update: { verticals: ['all'], primaryKeys: ['customer'], mandatory: [], enums: REG_ENUMS, dates: ['ootb_date_of_birth'] },
	ootb_deposit: {
		verticals: ['Multi-Sport & Casino', 'Sport', 'Casino', 'Sweepstakes'],
		primaryKeys: ['customer', 'ootb_transaction_id', 'timestamp'],
		mandatory: ['ootb_transaction_id'],
		iso: ['ootb_deposit_timestamp'],
	},
	ootb_withdrawal: {
		verticals: ['Multi-Sport & Casino', 'Sport', 'Casino', 'Sweepstakes'],
		primaryKeys: ['customer', 'ootb_transaction_id', 'timestamp'],
		mandatory: ['ootb_transaction_id', 'ootb_withdrawal_timestamp'],
		iso: ['ootb_withdrawal_timestamp'],
	},
	ootb_game_session: {
		verticals: ['Multi-Sport & Casino', 'Casino'],
		primaryKeys: ['customer', 'timestamp', 'ootb_game_code'],
		mandatory: ['ootb_session_start_timestamp', 'ootb_session_end_timestamp', 'ootb_game_code'],
		iso: ['ootb_session_start_timestamp', 'ootb_session_end_timestamp'],
	},
	ootb_sweepstakes_game_session: {
		verticals: ['Sweepstakes'],
		primaryKeys: ['customer', 'timestamp', 'ootb_game_code'],
		mandatory: ['ootb_session_start_timestamp', 'ootb_session_end_timestamp', 'ootb_game_code'],
		iso: ['ootb_session_start_timestamp', 'ootb_session_end_timestamp'],
	},
	ootb_sports_bet_placed: {
		verticals: ['Multi-Sport & Casino', 'Sport'],
		primaryKeys: ['customer', 'timestamp', 'ootb_betslip_key', 'ootb_bet_key'],
		mandatory: ['ootb_betslip_key', 'ootb_bet_key'],
		enums: { ootb_betslip_status: ['open', 'win', 'loss'] },
	},
	ootb_sports_bet_settled: {
		verticals: ['Multi-Sport & Casino', 'Sport'],
		primaryKeys: ['customer', 'timestamp', 'ootb_betslip_key', 'ootb_bet_key'],
		mandatory: ['ootb_betslip_key', 'ootb_bet_key'],
		enums: { ootb_betslip_status: ['open', 'win', 'loss'] },
	},
	ootb_product_order_completed: {
		verticals: ['Ecom'],
		primaryKeys: ['customer', 'timestamp', 'ootb_order_id', 'ootb_item_order_id', 'ootb_product_id'],
		mandatory: ['ootb_order_id', 'ootb_item_order_id', 'ootb_product_id'],
	},
	ootb_product_refund: {
		verticals: ['Ecom'],
		primaryKeys: ['customer', 'timestamp', 'ootb_order_id', 'ootb_item_order_id', 'ootb_product_id', 'ootb_refund_id'],
		mandatory: ['ootb_order_id', 'ootb_item_order_id', 'ootb_product_id', 'ootb_refund_id'],
	},
};
/** Older names that still arrive; accepted with a warning. */
export const DEPRECATED_EVENTS = { ootb_sports_bet_settle: 'ootb_sports_bet_settled' };
