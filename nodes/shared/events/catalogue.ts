// Optimove's out-of-the-box (OOTB) server-side events, as data: one row per event drives both the
// node's fields and the validation. Parameter names are Optimove's without the `ootb_` prefix that
// every context key carries on the wire. Adding an event is adding a row.

export type ParamType = 'string' | 'number' | 'boolean' | 'yesNo' | 'timestamp' | 'date' | { oneOf: string[] };

export interface OotbEvent {
	name: string;
	label: string;
	verticals: string;
	/** Context parameters that are primary keys or stated mandatory (customer and timestamp are always required). */
	mandatory: string[];
	optional: string[];
}

const GAMING = 'Multi-Sport & Casino, Sport, Casino, Sweepstakes';

const PROFILE = [
	'email', 'mobile_number', 'status', 'registration_source', 'date_of_birth', 'allow_email', 'allow_sms', 'allow_push',
	'allow_whatsapp', 'is_email_verified', 'is_mobile_verified', 'is_blocked', 'is_test', 'gender', 'country', 'city',
	'address', 'first_name', 'last_name', 'language', 'currency', 'brand', 'alias', 'referral_type', 'affiliate_id',
	'platform', 'promo_code', 'license',
];
const GAME_SESSION = [
	'game_name', 'game_category', 'start_balance', 'end_balance', 'stakes', 'real_win_amount', 'bonus_used',
	'bonus_win_amount', 'gross_gaming_revenue', 'number_of_bets', 'game_session_reference', 'language', 'country',
	'platform', 'launch_location', 'launch_location_index', 'channel', 'brand', 'license',
];
const SWEEPSTAKES_SESSION = [
	'game_name', 'game_category', 'start_gc_balance', 'end_gc_balance', 'start_sc_balance', 'end_sc_balance', 'gc_stakes',
	'sc_stakes', 'sc_win_amount', 'gc_used', 'gc_win_amount', 'gross_gaming_revenue', 'number_of_sc_bets',
	'number_of_gc_bets', 'game_session_reference', 'language', 'country', 'platform', 'launch_location',
	'launch_location_index', 'channel', 'brand', 'license',
];
const BET_PLACED = [
	'bet_date_time', 'betslip_status', 'bet_stake', 'bet_bonus', 'bet_sel_stake', 'bet_sel_bonus', 'is_live', 'odds_num',
	'odds_den', 'dec_price', 'american_price', 'selection_key', 'selection_name', 'market_key', 'market_name',
	'event_date_time', 'event_key', 'event_name', 'meeting_key', 'meeting_name', 'class_key', 'class_name',
	'discipline_key', 'discipline_name', 'leg_num', 'leg_type', 'each_way', 'bet_type', 'is_free', 'num_selections',
	'platform', 'channel', 'license', 'brand',
];

export const OOTB_EVENTS: OotbEvent[] = [
	{ name: 'ootb_registration', label: 'Registration', verticals: 'All', mandatory: [], optional: PROFILE },
	{ name: 'ootb_user_details_update', label: 'User Details Update', verticals: 'All', mandatory: [], optional: PROFILE },
	{
		name: 'ootb_deposit',
		label: 'Deposit',
		verticals: GAMING,
		mandatory: ['transaction_id'],
		optional: ['deposit_timestamp', 'start_balance', 'deposit_amount', 'deposit_method', 'deposit_status', 'language', 'country', 'platform', 'channel', 'brand', 'license'],
	},
	{
		name: 'ootb_withdrawal',
		label: 'Withdrawal',
		verticals: GAMING,
		mandatory: ['transaction_id', 'withdrawal_timestamp'],
		optional: ['start_balance', 'withdrawal_amount', 'withdrawal_method', 'withdrawal_status', 'language', 'country', 'platform', 'channel', 'brand', 'license'],
	},
	{
		name: 'ootb_game_session',
		label: 'Game Session',
		verticals: 'Multi-Sport & Casino, Casino',
		mandatory: ['session_start_timestamp', 'session_end_timestamp', 'game_code'],
		optional: GAME_SESSION,
	},
	{
		name: 'ootb_sweepstakes_game_session',
		label: 'Sweepstakes Game Session',
		verticals: 'Sweepstakes',
		mandatory: ['session_start_timestamp', 'session_end_timestamp', 'game_code'],
		optional: SWEEPSTAKES_SESSION,
	},
	{ name: 'ootb_sports_bet_placed', label: 'Sports Bet Placed', verticals: 'Multi-Sport & Casino, Sport', mandatory: ['betslip_key', 'bet_key'], optional: BET_PLACED },
	{
		name: 'ootb_sports_bet_settled',
		label: 'Sports Bet Settled',
		verticals: 'Multi-Sport & Casino, Sport',
		mandatory: ['betslip_key', 'bet_key'],
		optional: [...BET_PLACED, 'settled_date_time', 'bet_payout', 'bet_sel_payout', 'leg_status'],
	},
	{
		name: 'ootb_product_order_completed',
		label: 'Product Order Completed',
		verticals: 'Ecom',
		mandatory: ['order_id', 'item_order_id', 'product_id'],
		optional: [
			'session_id', 'email', 'variant_id', 'sku_id', 'item_name', 'item_description', 'brand', 'category', 'department',
			'url', 'page_title', 'page_category', 'item_price', 'quantity', 'total_pay', 'discount_percentage', 'promo_code',
			'payment_method', 'store_type', 'tax_amount', 'delivery_fee', 'fullfillment_type',
		],
	},
	{
		name: 'ootb_product_refund',
		label: 'Product Refund',
		verticals: 'Ecom',
		mandatory: ['order_id', 'item_order_id', 'product_id', 'refund_id'],
		optional: ['session_id', 'variant_id', 'sku_id', 'item_name', 'brand', 'category', 'department', 'refund_amount', 'refund_reason'],
	},
];

export const OOTB_EVENT_BY_NAME = new Map(OOTB_EVENTS.map((event) => [event.name, event]));

/** Every parameter an OOTB event takes, mandatory or optional (without the prefix). */
export const PARAMS_OF_EVENT = new Map(OOTB_EVENTS.map((event) => [event.name, new Set([...event.mandatory, ...event.optional])]));

/** Events Optimove limits to 50 requests per 10 seconds. */
export const RATE_LIMITED_EVENTS = new Set(['ootb_registration', 'ootb_user_details_update']);

/** Enumerations Optimove documents. */
const ENUMS: Record<string, string[]> = {
	status: ['Started', 'Completed', 'Failed'],
	betslip_status: ['open', 'win', 'loss'],
};

/** Parameter types by name pattern, first match wins; anything else is a string. */
const TYPE_RULES: Array<[RegExp, ParamType]> = [
	[/_timestamp$|_date_time$/, 'timestamp'],
	[/^date_of_birth$/, 'date'],
	[/^allow_/, 'yesNo'],
	[/^is_|^each_way$/, 'boolean'],
	[/amount|balance|stakes?$|_bonus$|bonus_used|payout|price|_fee$|revenue|^number_of|^num_|quantity|^odds_|percentage|total_pay|^leg_num$|_index$|^gc_used$/, 'number'],
];

const typeCache = new Map<string, ParamType>();

export function paramType(name: string): ParamType {
	let type = typeCache.get(name);
	if (type === undefined) {
		type = ENUMS[name] ? { oneOf: ENUMS[name] } : (TYPE_RULES.find(([pattern]) => pattern.test(name))?.[1] ?? 'string');
		typeCache.set(name, type);
	}
	return type;
}

export const CONTEXT_PREFIX = 'ootb_';
