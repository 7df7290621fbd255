import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { OptimoveTrigger } from '../../../nodes/OptimoveTrigger/OptimoveTrigger.node';
import { n8nContext, REST_CREDENTIALS, TEST_NODE } from './n8nContext';

interface Listener {
	EventTypeID: number;
	ChannelID: number | null;
	ListenerURL: string;
}

/**
 * Optimove's listener and webhook endpoints as the transport sees them (one URL per slot), so
 * lifecycle tests assert on the state Optimove ends up in, not on call sequences.
 */
export class FakeOptimove {
	listeners: Listener[] = [];

	webhooks: Array<{ id: string; url: string }> = [];

	settings: IDataObject = {};

	calls: string[] = [];

	/** RegisterEventListener for this event type answers 400 (not retried). */
	failRegisterFor?: number;

	/** UnregisterEventListener for this event type answers 400 (not retried). */
	failUnregisterFor?: number;

	/** Most requests that were in flight at once (each answer waits a few ticks). */
	maxInFlight = 0;

	private inFlight = 0;

	private nextWebhook = 1;

	handle = async (type: string, request: IHttpRequestOptions) => {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			for (let tick = 0; tick < 5; tick++) await Promise.resolve();
			return this.answer(type, request);
		} finally {
			this.inFlight--;
		}
	};

	private answer(_type: string, request: IHttpRequestOptions) {
		const path = request.url.replace(REST_CREDENTIALS.optimoveApi.baseUrl, '');
		const body = (request.body ?? {}) as IDataObject;
		this.calls.push(`${request.method} ${path}`);
		const ok = (payload: unknown = '', statusCode = 200) => ({ statusCode, body: payload, headers: {} });
		switch (`${request.method} ${path.replace(/\/webhooks\/[^/]+$/, '/webhooks/{id}')}`) {
			case 'GET /General/GetRegisteredEventListeners':
				return ok(this.listeners.map((l) => ({ ...l })));
			case 'POST /General/RegisterEventListener': {
				if (Number(body.EventTypeID) === this.failRegisterFor) return ok('"ChannelID is not valid"', 400);
				const slot = { EventTypeID: Number(body.EventTypeID), ChannelID: (body.ChannelID as number) ?? null };
				this.listeners = this.listeners.filter((l) => !(l.EventTypeID === slot.EventTypeID && l.ChannelID === slot.ChannelID));
				this.listeners.push({ ...slot, ListenerURL: String(body.ListenerURL) });
				return ok();
			}
			case 'POST /General/UnregisterEventListener': {
				if (Number(body.EventTypeID) === this.failUnregisterFor) return ok('"Unregister failed"', 400);
				const channel = (body.ChannelID as number) ?? null;
				this.listeners = this.listeners.filter((l) => !(l.EventTypeID === body.EventTypeID && l.ChannelID === channel));
				return ok();
			}
			case 'GET /conditional-execution/v2/triggered/webhooks/':
				return ok(this.webhooks.map((w) => ({ ...w })));
			case 'POST /conditional-execution/v2/triggered/webhooks/': {
				const hook = { id: `webhook${this.nextWebhook++}`, url: String(body.url) };
				this.webhooks.push(hook);
				return ok(hook, 201);
			}
			case 'GET /conditional-execution/v2/triggered/webhooks/{id}': {
				const hook = this.webhooks.find((w) => w.id === decodeURIComponent(path.split('/').pop() as string));
				return hook ? ok({ ...hook }) : ok({ message: 'not found' }, 404);
			}
			case 'DELETE /conditional-execution/v2/triggered/webhooks/{id}': {
				const id = decodeURIComponent(path.split('/').pop() as string);
				if (!this.webhooks.some((w) => w.id === id)) return ok({ message: 'not found' }, 404);
				this.webhooks = this.webhooks.filter((w) => w.id !== id);
				return ok('', 204);
			}
			case 'PUT /conditional-execution/v2/triggered/settings':
				this.settings = body;
				return ok(body);
			default:
				return ok({ message: `unexpected ${request.method} ${path}` }, 400);
		}
	}
}

export interface HookOptions {
	params: IDataObject;
	webhookUrl?: string;
	mode?: 'manual' | 'trigger';
	staticData?: IDataObject;
	credentials?: IDataObject;
	workflowId?: string;
	nodeId?: string;
}

const TRIGGER_HOOKS = new OptimoveTrigger().webhookMethods.default;

/** The fake n8n context of a trigger's webhook-method hooks (checkExists/create/delete) over a FakeOptimove. */
export function hookContext(optimove: FakeOptimove, options: HookOptions) {
	const made = n8nContext({
		kind: 'hook',
		node: { id: options.nodeId ?? TEST_NODE.id, name: 'Optimove Trigger', type: 'n8n-nodes-optimove.optimoveTrigger' },
		params: options.params,
		mode: options.mode,
		webhookUrl: options.webhookUrl,
		staticData: options.staticData,
		workflowId: options.workflowId,
		credentials: async () => ({ ...REST_CREDENTIALS.optimoveApi, ...(options.credentials ?? {}) }),
		http: optimove.handle,
	});
	/** Runs one of the trigger's webhook methods on this context. */
	const call = (name: 'checkExists' | 'create' | 'delete') => TRIGGER_HOOKS[name].call(made.ctx as never);
	return { ...made, call };
}

/** Optimove's (and the sandbox's) rule: at most `limit` requests ARRIVING in any `windowMs`. */
export class ServerWindow {
	private readonly hits: number[] = [];

	rejected = 0;

	accepted = 0;

	constructor(
		private readonly limit = 50,
		private readonly windowMs = 10_000,
	) {}

	/** Counts a request arriving at `t`; false (a 429) when the window is already full. */
	hit(t: number): boolean {
		while (this.hits.length > 0 && this.hits[0] <= t - this.windowMs) this.hits.shift();
		if (this.hits.length >= this.limit) {
			this.rejected++;
			return false;
		}
		this.hits.push(t);
		this.accepted++;
		return true;
	}
}
