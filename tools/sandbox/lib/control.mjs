// The control API (/__sandbox/…) that tests, benchmarks and the CLI use to drive and read the
// sandbox: one table of routes. Mixed into Sandbox.
import { performance } from 'node:perf_hooks';
import { channelCancel, channelReport, channelSend } from './channel.mjs';
import { buildReport } from './report.mjs';
import { readBody } from './routing.mjs';
import { HttpError, naiveUtc } from './util.mjs';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** An answer other than 200 with a JSON body. */
class Answer {
	constructor(status, out, headers) {
		Object.assign(this, { status, out, headers });
	}
}

/**
 * `[method, path, handler]`; a path segment `:x` matches anything (as `params.x`). A handler gets
 * `(sb, { body, q, params })` and returns the JSON body of a 200, or an `Answer`.
 */
const CONTROL_ROUTES = [
	['GET', '/', (sb) => ({ ok: true, url: sb.url, tenantId: sb.config.tenantId, uptimeMs: Math.round(performance.now()) })],
	['GET', '/health', (sb) => ({ ok: true, url: sb.url, tenantId: sb.config.tenantId, uptimeMs: Math.round(performance.now()) })],
	['GET', '/state', (sb) => sb.stateSummary()],
	['POST', '/reset', (sb) => sb.reset()],
	['GET', '/faults', (sb) => sb.getFaults()],
	['POST', '/faults', (sb, { body }) => sb.setFaults(body)],
	['GET', '/config', (sb) => sb.getConfig()],
	['POST', '/config', (sb, { body }) => sb.setConfig(body)],
	[
		'POST',
		'/keys',
		(sb, { body }) => {
			sb.addApiKey(body.key, body.role ?? 'admin');
			return sb.getConfig().apiKeys;
		},
	],
	['GET', '/campaigns', (sb) => sb.listCampaigns()],
	[
		'POST',
		'/campaigns',
		async (sb, { body }) => {
			const created = sb.createCampaign(body);
			if (!body.notify) return new Answer(201, created);
			const notify = await sb.notifyCampaign(created.campaignId);
			// The campaign as it is after the notification (notifiedAt set, conditional), then the delivery.
			return new Answer(201, { ...sb.campaignSummary(sb.getCampaignOrThrow(created.campaignId)), notify });
		},
	],
	['GET', '/campaigns/:id', (sb, { params }) => sb.campaignReport(sb.getCampaignOrThrow(params.id))],
	[
		'POST',
		'/campaigns/:id/notify',
		async (sb, { params }) => {
			const out = await sb.notifyCampaign(params.id);
			return new Answer(out.delivered ? 200 : out.status === null && !out.error?.startsWith('No listener') ? 502 : 404, out);
		},
	],
	['POST', '/campaigns/:id/cancel', (sb, { params, body }) => sb.cancelCampaign(params.id, body)],
	[
		'POST',
		'/fire',
		async (sb, { body }) => {
			const out = await sb.fireListenerEvent(body);
			return new Answer(out.delivered ? 200 : out.error?.startsWith('No listener') ? 404 : 502, out);
		},
	],
	['POST', '/listeners/seed', (sb, { body }) => sb.seedListener(body)],
	['GET', '/listeners', (sb) => sb.listeners()],
	['GET', '/requests', (sb) => ({ total: sb.state.recentRequests.total, recent: sb.state.recentRequests.toArray() })],
	['POST', '/triggered', (sb, { body }) => (body.async ? new Answer(202, startTriggeredJob(sb, body)) : sb.fireTriggered(body))],
	[
		'GET',
		'/triggered/jobs/:id',
		(sb, { params }) => {
			const out = sb.asyncJobs?.get(Number(params.id)) ?? null;
			return new Answer(out ? 200 : 404, out);
		},
	],
	[
		'GET',
		'/triggered',
		(sb, { q }) => {
			const out = q.uid ? sb.notification(q.uid) : buildReport(sb).triggered;
			return new Answer(out ? 200 : 404, out);
		},
	],
	['GET', '/report', (sb, { q }) => (q.format === 'json' ? sb.report() : new Answer(200, sb.reportText(), TEXT))],
	['GET', '/approvals', (sb, { q }) => sb.approvals(q.campaignId ?? q.CampaignID)],
	['GET', '/events', (sb, { q }) => sb.events({ limit: q.limit ?? 100 })],
	['POST', '/channel/send', (sb, { body }) => channelSend(sb.state.channel, body, naiveUtc(sb.now()))],
	['POST', '/channel/cancel', (sb, { body }) => channelCancel(sb.state.channel, body)],
	['GET', '/channel', (sb) => channelReport(sb.state.channel)],
];

/** `POST /triggered` with `async`: starts the run and answers with a job to poll. */
function startTriggeredJob(sb, body) {
	const id = (sb.asyncSeq = (sb.asyncSeq ?? 0) + 1);
	const job = { id, done: false, result: null, error: null };
	(sb.asyncJobs ??= new Map()).set(id, job);
	sb.fireTriggered(body).then(
		(r) => Object.assign(job, { done: true, result: r }),
		(e) => Object.assign(job, { done: true, error: e instanceof HttpError ? e.body : String(e.message || e) }),
	);
	return { job: id, poll: `/__sandbox/triggered/jobs/${id}` };
}

function matchRoute(method, parts) {
	for (const [m, pattern, handler] of CONTROL_ROUTES) {
		if (m !== method) continue;
		const want = pattern.split('/').filter(Boolean);
		if (want.length !== parts.length) continue;
		const params = {};
		if (want.every((w, i) => (w.startsWith(':') ? ((params[w.slice(1)] = parts[i]), true) : w === parts[i]))) return { handler, params };
	}
	return null;
}

export const controlMethods = {
	async handleControl(req, res, url) {
		const path = url.pathname.replace(/\/+$/, '');
		const parts = path.split('/').slice(2); // after '', '__sandbox'
		let body = {};
		try {
			const raw = await readBody(req);
			if (raw.length) body = JSON.parse(raw.toString('utf8'));
		} catch (e) {
			return this.send(res, 400, { error: `invalid JSON body: ${e.message}` });
		}
		const q = Object.fromEntries(url.searchParams);
		const route = matchRoute(req.method, parts);
		if (!route) return this.send(res, 404, { error: `unknown control route ${req.method} /${parts.join('/')}` });
		try {
			const result = await route.handler(this, { body, q, params: route.params });
			const { status, out, headers } = result instanceof Answer ? result : new Answer(200, result);
			return this.send(res, status, out ?? null, headers);
		} catch (e) {
			if (e instanceof HttpError) return this.send(res, e.status, e.body);
			this.log(`control error: ${e.stack || e}`);
			return this.send(res, 500, { error: String(e.message || e) });
		}
	},
};
