// Optimove REST API handlers (contract §1–3, §6). Each handler gets (sb, ctx) and returns
// { status, body } (body undefined → empty) or throws HttpError. REST errors are bare JSON strings.
import { randomUUID } from 'node:crypto';
import { CUSTOMER_ATTRIBUTES, EVENT_TYPES, EXECUTION_CHANNELS } from './catalog.mjs';
import { ATTRIBUTE_BY_NAME, actionFor, customerIdFor, generatedAttribute, indexOf } from './customers.mjs';
import { HttpError, isHttpUrl, isPlainObject, naiveUtc, parseTime, toInt, utcDate } from './util.mjs';

const bad = (msg) => new HttpError(400, msg);
const MAX_TOP = 10000;

function intQuery(ctx, name, { required = false } = {}) {
	const raw = ctx.q(name);
	const v = toInt(raw);
	if (v === undefined) {
		if (required) throw bad(`The parameter ${name} is required.`);
		return undefined;
	}
	if (Number.isNaN(v)) throw bad(`The parameter ${name} must be an integer, got '${raw}'.`);
	return v;
}

function campaignFrom(sb, ctx, idValue) {
	const id = idValue !== undefined ? toInt(idValue) : intQuery(ctx, 'CampaignID', { required: true });
	if (id === undefined) throw bad('CampaignID is required.');
	if (Number.isNaN(id)) throw bad(`CampaignID must be an integer, got ${JSON.stringify(idValue)}.`);
	const c = sb.state.campaigns.get(id);
	if (!c) throw new HttpError(404, `Campaign ${id} was not found.`);
	return c;
}

function paging(ctx, { defaultTop = Infinity } = {}) {
	const top = intQuery(ctx, '$top');
	const skip = intQuery(ctx, '$skip') ?? 0;
	if (top !== undefined && (top < 1 || top > MAX_TOP)) throw bad(`$top must be between 1 and ${MAX_TOP}, got ${top}.`);
	if (skip < 0) throw bad(`$skip must be ≥ 0, got ${skip}.`);
	return { top: top ?? defaultTop, skip };
}

/** Parses CustomerAttributes / CustomerAttributesDelimiter; returns canonical attribute names. */
function attributeNames(ctx, campaign) {
	const delimRaw = ctx.q('CustomerAttributesDelimiter');
	if (delimRaw !== undefined && delimRaw !== ',' && delimRaw !== ';') {
		throw bad(`CustomerAttributesDelimiter may only be ',' or ';', got '${delimRaw}'.`);
	}
	const delim = delimRaw ?? ';';
	const raw = ctx.q('CustomerAttributes');
	if (raw === undefined || raw === '') return [];
	const names = raw.split(delim).map((s) => s.trim());
	return names.map((n) => {
		if (!n) throw bad(`CustomerAttributes contains an empty name ('${raw}').`);
		const a = ATTRIBUTE_BY_NAME.get(n.toLowerCase());
		if (a) return a.RealFieldName;
		if (campaign?.attributeOverrides && Object.hasOwn(campaign.attributeOverrides, n)) return n;
		throw bad(`Unknown customer attribute '${n}'.`);
	});
}

function attributeValues(sb, campaign, k, id, names) {
	if (!names.length) return [];
	const profile = sb.state.profiles.size ? sb.state.profiles.get(id) : undefined;
	return names.map((n) => {
		if (profile) {
			const p = profile.get(n.toLowerCase());
			if (p) return p.Value;
		}
		const v = generatedAttribute(campaign, k, n);
		return v === null || v === undefined ? null : String(v);
	});
}

/** Customer indexes a channel sends to: everyone, or only on-time approvals for conditional campaigns. */
function* sendIndexes(sb, campaign) {
	if (campaign.cancelledAt) return;
	if (sb.isConditional(campaign)) yield* campaign.approvals.approvedIndexes();
	else for (let k = 1; k <= campaign.size; k++) yield k;
}

function* pageOf(iter, skip, top) {
	let i = 0;
	let n = 0;
	for (const k of iter) {
		if (i++ < skip) continue;
		if (n++ >= top) return;
		yield k;
	}
}

function jsonBody(ctx) {
	if (ctx.jsonError) throw bad(`The request body is not valid JSON: ${ctx.jsonError}`);
	return ctx.json;
}

// ---------------------------------------------------------------- General

function getLastDataUpdate(sb) {
	return { status: 200, body: { Date: sb.options.lastDataUpdate ?? utcDate(sb.now() - 86400000) } };
}

function listenerArgs(body, { withUrl }) {
	if (!isPlainObject(body)) throw bad('The request body must be a JSON object.');
	// Like ASP.NET model binding, digit strings bind to the integer fields.
	const type = toInt(body.EventTypeID);
	if (!Number.isInteger(type) || !EVENT_TYPES[type]) {
		throw bad(`EventTypeID must be one of ${Object.keys(EVENT_TYPES).join(', ')}, got ${JSON.stringify(body.EventTypeID)}.`);
	}
	let channel = toInt(body.ChannelID) ?? null;
	if (channel !== null && !(Number.isInteger(channel) && channel > 0)) {
		throw bad(`ChannelID must be a positive integer or null, got ${JSON.stringify(body.ChannelID)}.`);
	}
	const rule = EVENT_TYPES[type].channel;
	if (rule === 'forbidden' && channel !== null) throw bad(`EventTypeID ${type} is registered without a ChannelID.`);
	if (rule === 'required' && channel === null) throw bad(`EventTypeID ${type} requires a ChannelID.`);
	if (withUrl && !isHttpUrl(body.ListenerURL)) {
		throw bad(`ListenerURL must be an absolute http(s) URL, got ${JSON.stringify(body.ListenerURL)}.`);
	}
	return { type, channel, url: body.ListenerURL };
}

function registerEventListener(sb, ctx) {
	const { type, channel, url } = listenerArgs(jsonBody(ctx), { withUrl: true });
	sb.setListener(type, channel, url, ctx.keyLabel);
	return { status: 200 };
}

function unregisterEventListener(sb, ctx) {
	const { type, channel } = listenerArgs(jsonBody(ctx), { withUrl: false });
	sb.removeListener(type, channel, ctx.keyLabel);
	return { status: 200 };
}

function getRegisteredEventListeners(sb) {
	return { status: 200, body: sb.listListeners() };
}

// ---------------------------------------------------------------- Actions / Model

function getExecutionChannels() {
	return { status: 200, body: EXECUTION_CHANNELS };
}

function getCampaignDetails(sb, ctx) {
	const c = campaignFrom(sb, ctx);
	return { status: 200, body: sb.campaignDetails(c) };
}

function getCustomerAttributeList() {
	return { status: 200, body: CUSTOMER_ATTRIBUTES.map((a) => ({ RealFieldName: a.RealFieldName, Description: a.Description })) };
}

// ---------------------------------------------------------------- Customers (reads)

function getProcessedCampaignCustomers(sb, ctx) {
	const c = campaignFrom(sb, ctx);
	const names = attributeNames(ctx, c);
	const { top, skip } = paging(ctx);
	const end = Math.min(c.size, skip + top);
	const rows = [];
	for (let k = skip + 1; k <= end; k++) {
		const id = customerIdFor(c.id, k);
		const a = actionFor(k);
		rows.push({ CustomerID: id, ActionID: a.ActionID, PromoCode: c.promoCode ?? a.PromoCode, CustomerAttributes: attributeValues(sb, c, k, id, names) });
	}
	sb.state.customerReads.processed.pages++;
	sb.state.customerReads.processed.rows += rows.length;
	return { status: 200, body: rows };
}

function getCanceledCampaignCustomers(sb, ctx) {
	const c = campaignFrom(sb, ctx);
	const { top, skip } = paging(ctx);
	if (!c.cancelledAt || sb.now() - c.cancelledAt > 2 * 3600000) return { status: 200, body: [] };
	const end = Math.min(c.size, skip + top);
	const rows = [];
	for (let k = skip + 1; k <= end; k++) {
		const a = actionFor(k);
		// Optimove's documented example carries ActionID as a string here.
		rows.push({ CustomerID: customerIdFor(c.id, k), ActionID: String(a.ActionID), PromoCode: c.promoCode ?? a.PromoCode });
	}
	return { status: 200, body: rows };
}

function channelCampaign(sb, ctx) {
	const channel = intQuery(ctx, 'ChannelID', { required: true });
	const c = campaignFrom(sb, ctx);
	return { c, channel };
}

/**
 * One page of a campaign's customers on the channel asked for (none when the campaign ran on another
 * channel), each row made by `toRow`, counted as a customer read of `kind`.
 */
function channelCustomerPage(sb, ctx, kind, toRow) {
	const { c, channel } = channelCampaign(sb, ctx);
	const names = attributeNames(ctx, c);
	const { top, skip } = paging(ctx);
	const rows = [];
	if (c.channelId === channel) {
		const schedule = naiveUtc(c.clearanceRequiredBy);
		for (const k of pageOf(sendIndexes(sb, c), skip, top)) {
			const id = customerIdFor(c.id, k);
			rows.push(toRow({ id, action: actionFor(k), channel, schedule, promoCode: c.promoCode, attributes: attributeValues(sb, c, k, id, names) }));
		}
	}
	sb.state.customerReads[kind].pages++;
	sb.state.customerReads[kind].rows += rows.length;
	return { status: 200, body: rows };
}

function getCustomerExecutionDetailsByCampaign(sb, ctx) {
	return channelCustomerPage(sb, ctx, 'execution', ({ id, action, channel, schedule, promoCode, attributes }) => ({
		CustomerID: id,
		ActionID: action.ActionID,
		ChannelID: channel,
		TemplateID: action.TemplateID,
		TemplateName: action.TemplateName,
		ScheduleTime: schedule,
		PromoCode: promoCode ?? action.PromoCode,
		CustomerAttributes: attributes,
	}));
}

function getCustomerSendDetailsByChannel(sb, ctx) {
	return channelCustomerPage(sb, ctx, 'send', ({ id, action, schedule, attributes }) => ({
		CustomerID: id,
		TemplateID: action.TemplateID,
		ScheduledTime: schedule,
		CustomerAttributes: attributes,
	}));
}

function getCustomerAttributes(sb, ctx) {
	const id = ctx.params.customerId;
	const profile = sb.state.profiles.get(id);
	let campaign = null;
	let k = 0;
	const m = /^C(\d+)-(\d+)$/.exec(id);
	if (m) {
		campaign = sb.state.campaigns.get(Number(m[1])) ?? null;
		k = campaign ? indexOf(campaign.id, campaign.size, id) : Number(m[2]);
	}
	if (!profile && !m) throw new HttpError(404, `Customer '${id}' was not found.`);
	const body = CUSTOMER_ATTRIBUTES.map((a) => {
		const p = profile?.get(a.RealFieldName.toLowerCase());
		let value = p ? p.Value : m ? generatedAttribute(campaign, k, a.RealFieldName) : null;
		if (value !== null && value !== undefined) value = String(value);
		return { RealFieldName: a.RealFieldName, Alias: a.Alias, FieldType: a.FieldType, Value: value ?? null };
	});
	return { status: 200, body };
}

// ---------------------------------------------------------------- Integrations

function arrayBody(ctx, max, what) {
	const body = jsonBody(ctx);
	if (!Array.isArray(body)) throw bad(`The request body must be a JSON array of ${what}.`);
	if (body.length > max) throw bad(`At most ${max} ${what} per call, got ${body.length}.`);
	return body;
}

function getChannelTemplates(sb, ctx) {
	const channel = intQuery(ctx, 'ChannelID', { required: true });
	const t = sb.state.templates.get(channel);
	return { status: 200, body: t ? [...t.values()] : [] };
}

function addChannelTemplates(sb, ctx) {
	const channel = intQuery(ctx, 'ChannelID', { required: true });
	const list = arrayBody(ctx, 100, 'templates');
	for (const t of list) {
		if (!isPlainObject(t) || !Number.isInteger(t.TemplateID) || typeof t.TemplateName !== 'string' || !t.TemplateName) {
			throw bad('Each template needs an integer TemplateID and a non-empty TemplateName.');
		}
	}
	let map = sb.state.templates.get(channel);
	if (!map) sb.state.templates.set(channel, (map = new Map()));
	for (const t of list) map.set(t.TemplateID, { TemplateID: t.TemplateID, TemplateName: t.TemplateName });
	sb.state.templateOps.added += list.length;
	return { status: 200 };
}

function deleteChannelTemplates(sb, ctx) {
	const list = arrayBody(ctx, 100, 'templates');
	for (const t of list) {
		if (!isPlainObject(t) || !Number.isInteger(t.ChannelID) || !Number.isInteger(t.TemplateID)) {
			throw bad('Each entry needs an integer ChannelID and TemplateID.');
		}
	}
	for (const t of list) {
		const map = sb.state.templates.get(t.ChannelID);
		if (map?.delete(t.TemplateID)) sb.state.templateOps.deleted++;
		else sb.state.templateOps.deleteMissing++;
	}
	return { status: 200 };
}

function updateCampaignMetrics(sb, ctx) {
	const list = arrayBody(ctx, 100, 'metrics');
	for (const m of list) {
		if (!isPlainObject(m)) throw bad('Each metric must be a JSON object.');
	}
	for (const m of list) sb.state.metrics.push({ at: sb.now(), ...m });
	return { status: 200 };
}

function updateCustomerPromotionStatus(sb, ctx) {
	const body = jsonBody(ctx);
	if (!isPlainObject(body)) throw bad('The request body must be a JSON object.');
	if (typeof body.TimeStamp !== 'string' || Number.isNaN(parseTime(body.TimeStamp))) {
		throw bad(`TimeStamp is required ('YYYY-MM-DD HH:MM:SS'), got ${JSON.stringify(body.TimeStamp)}.`);
	}
	if (!Array.isArray(body.PromosUpdated)) throw bad('PromosUpdated must be an array.');
	if (body.PromosUpdated.length > 10000) throw bad(`At most 10000 customers per call, got ${body.PromosUpdated.length}.`);
	for (const [i, p] of body.PromosUpdated.entries()) {
		if (!isPlainObject(p)) throw bad(`PromosUpdated[${i}] must be an object.`);
		if (!((typeof p.CustomerID === 'string' && p.CustomerID) || Number.isFinite(p.CustomerID))) {
			throw bad(`PromosUpdated[${i}].CustomerID is required.`);
		}
		if (typeof p.Status !== 'boolean') throw bad(`PromosUpdated[${i}].Status must be a boolean, got ${JSON.stringify(p.Status)}.`);
	}
	const c = campaignFrom(sb, ctx, body.CampaignID ?? '');
	const now = sb.now();
	const late = now > c.clearanceRequiredBy;
	const store = c.approvals;
	store.calls++;
	if (late) store.lateCalls++;
	store.firstAt ??= now;
	store.lastAt = now;
	for (const p of body.PromosUpdated) {
		const k = indexOf(c.id, c.size, p.CustomerID);
		if (!k) {
			store.unknownCustomers++;
			if (store.unknownSample.length < 20) store.unknownSample.push(String(p.CustomerID));
			continue;
		}
		store.record(k, p.Status, late);
	}
	sb.log(`approvals: campaign ${c.id} +${body.PromosUpdated.length}${late ? ' (LATE)' : ''}`);
	return { status: 200 };
}

// ---------------------------------------------------------------- Customer attributes (writes)

const ATTRIBUTE_VALUE_MAX = 255;

function updateCustomerAttributes(sb, ctx) {
	const body = jsonBody(ctx);
	if (!isPlainObject(body)) throw bad('The request body must be a JSON object.');
	const list = body.CustomerNewAttributesValuesList;
	if (!Array.isArray(list) || list.length === 0) throw bad('CustomerNewAttributesValuesList must be a non-empty array.');
	if (list.length > 1000) throw bad(`At most 1000 customers per call, got ${list.length}.`);
	for (const [i, item] of list.entries()) {
		if (!isPlainObject(item)) throw bad(`CustomerNewAttributesValuesList[${i}] must be an object.`);
		if (!((typeof item.CustomerID === 'string' && item.CustomerID) || Number.isFinite(item.CustomerID))) {
			throw bad(`CustomerNewAttributesValuesList[${i}].CustomerID is required.`);
		}
		if (!Array.isArray(item.Attributes) || item.Attributes.length === 0) throw bad(`CustomerNewAttributesValuesList[${i}].Attributes must be a non-empty array.`);
		if (item.Attributes.length > 10) throw bad(`At most 10 attributes per customer, got ${item.Attributes.length} for ${item.CustomerID}.`);
		for (const a of item.Attributes) {
			if (!isPlainObject(a) || typeof a.RealFieldName !== 'string' || !a.RealFieldName) {
				throw bad(`Each attribute of ${item.CustomerID} needs a RealFieldName.`);
			}
		}
	}
	const callbackUrl = body.CallbackURL;
	if (callbackUrl !== undefined && callbackUrl !== null && !isHttpUrl(callbackUrl)) {
		throw bad(`CallbackURL must be an absolute http(s) URL, got ${JSON.stringify(callbackUrl)}.`);
	}
	const requestId = randomUUID();
	const errors = [];
	const st = sb.state.attributeUpdates;
	st.requests++;
	for (const item of list) {
		const cid = String(item.CustomerID);
		if (/^INVALID/i.test(cid)) {
			errors.push({ error: 'INVALID_CUSTOMER', customerId: cid });
			continue;
		}
		for (const a of item.Attributes) {
			const def = ATTRIBUTE_BY_NAME.get(a.RealFieldName.toLowerCase());
			if (!def) {
				errors.push({ error: 'INVALID_FIELD', customerId: cid, realFieldName: a.RealFieldName });
				continue;
			}
			const v = a.Value;
			const okType = v === null || ['string', 'number', 'boolean'].includes(typeof v);
			const sv = v === null ? null : String(v);
			if (!okType || (sv !== null && sv.length > ATTRIBUTE_VALUE_MAX) || (def.FieldType === 'Decimal' && sv !== null && !Number.isFinite(Number(sv)))) {
				errors.push({ error: 'INVALID_VALUE', customerId: cid, realFieldName: a.RealFieldName });
				continue;
			}
			let profile = sb.state.profiles.get(cid);
			if (!profile) sb.state.profiles.set(cid, (profile = new Map()));
			profile.set(def.RealFieldName.toLowerCase(), { RealFieldName: def.RealFieldName, Value: sv });
			st.values++;
		}
		st.customers++;
	}
	for (const e of errors) st.errors[e.error] = (st.errors[e.error] || 0) + 1;
	const result = errors.length ? { isSuccess: false, errors, requestId } : { isSuccess: true, requestId };
	st.recent.push({ at: sb.now(), requestId, customers: list.length, errors: errors.length, callbackUrl: callbackUrl ?? null });
	if (callbackUrl) sb.sendAttributeCallback(callbackUrl, result);
	return { status: 202, body: { requestId } };
}

/** Route table: lower-cased "category/function" → method → handler. */
export const REST_ROUTES = {
	'general/getlastdataupdate': { GET: getLastDataUpdate },
	'general/registereventlistener': { POST: registerEventListener },
	'general/unregistereventlistener': { POST: unregisterEventListener },
	'general/getregisteredeventlisteners': { GET: getRegisteredEventListeners },
	'actions/getexecutionchannels': { GET: getExecutionChannels },
	'actions/getcampaigndetails': { GET: getCampaignDetails },
	'model/getcustomerattributelist': { GET: getCustomerAttributeList },
	'customers/getprocessedcampaigncustomers': { GET: getProcessedCampaignCustomers },
	'customers/getcanceledcampaigncustomers': { GET: getCanceledCampaignCustomers },
	'customers/getcustomerexecutiondetailsbycampaign': { GET: getCustomerExecutionDetailsByCampaign },
	'customers/getcustomersenddetailsbychannel': { GET: getCustomerSendDetailsByChannel },
	'customers/updatecustomerattributes': { POST: updateCustomerAttributes },
	'integrations/getchanneltemplates': { GET: getChannelTemplates },
	'integrations/addchanneltemplates': { POST: addChannelTemplates },
	'integrations/deletechanneltemplates': { POST: deleteChannelTemplates },
	'integrations/updatecampaignmetrics': { POST: updateCampaignMetrics },
	'integrations/updatecustomerpromotionstatus': { POST: updateCustomerPromotionStatus },
	'customers/:id/attributes': { GET: getCustomerAttributes },
};
