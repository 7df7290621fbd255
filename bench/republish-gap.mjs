#!/usr/bin/env node
// How long Optimove has no registration of a published trigger while the workflow is re-published
// (the same version again, or an edited one): the time between the unregister (listener slot) or
// delete (triggered webhook) and the register/create that follows, as the sandbox records it.
//
//   node bench/republish-gap.mjs [--rounds 5] [--latency-ms 0] [--async] [--out name]
//
// --latency-ms adds that much to every Optimove call (the sandbox's latency fault), to see the gap
// with a real tenant's round trips. --async starts n8n with its default publication service
// (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=true: publish answers at once, an outbox applies it, and only
// trigger nodes whose registration-relevant fields changed are removed and added again).
import { parseCli } from '../scripts/lib/args.mjs';
import { node } from '../tools/n8n/fixtures.mjs';
import { waitFor } from '../tools/n8n/wait.mjs';
import { median, r1, sleep, startBench, table, writeResult } from './lib.mjs';

const args = parseCli({
	rounds: { type: 'string', default: '5' },
	'latency-ms': { type: 'string', default: '0' },
	async: { type: 'boolean', default: false },
	out: { type: 'string' },
});
const ROUNDS = Number(args.rounds);
const LATENCY_MS = Number(args['latency-ms']);
const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const SLOTS = [[5, null], [13, 505], [1, 505]];

// What a re-publish changes: nothing (same version), a field n8n ignores for trigger registration
// (the node's position), or a trigger parameter.
const VARIANTS = {
	'same version': () => undefined,
	'edited, trigger unchanged': (nodes, round) => nodes.map((n) => ({ ...n, position: [round * 10, 0] })),
	'edited, trigger parameter changed': (nodes, round) =>
		nodes.map((n) => ({ ...n, parameters: { ...n.parameters, ...(n.parameters.source === 'eventListeners' ? { replaceExisting: round % 2 === 0 } : { options: { maxAgeSeconds: 600 + round } }) } })),
};

const bench = await startBench({ n8nEnv: args.async ? { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true' } : {} });
const { n8n, sandbox, credentials } = bench;
try {
	if (LATENCY_MS > 0) sandbox.setFaults({ latencyMs: LATENCY_MS });
	const make = (name, webhookId, parameters) =>
		n8n.createWorkflow({ name, nodes: [node('Optimove Trigger', TRIGGER, parameters, { credential: credentials.optimoveApi, webhookId, typeVersion: 1.1 })], connections: {} });
	const listener = await make('gap: listeners', 'gap-listeners', { source: 'eventListeners', events: SLOTS.map(([t]) => t), channelId: 505 });
	const triggered = await make('gap: triggered', 'gap-triggered', { source: 'triggeredConditionalExecution', options: {} });

	const slotHolds = (type, channel) => sandbox.listListeners().find((s) => s.EventTypeID === type && s.ChannelID === channel)?.ListenerURL?.includes('/gap-listeners/');
	const ourHooks = () => [...sandbox.state.webhooks.values()].filter((w) => w.url.includes('/gap-triggered/'));
	const registered = () => SLOTS.every(([t, c]) => slotHolds(t, c)) && ourHooks().length === 1;
	for (const id of [listener, triggered]) await n8n.publish(id);
	await waitFor(registered, { timeoutMs: 60_000, intervalMs: 100, what: 'the first registration' });

	/** Per slot / webhook: ms without a registration since `since` (0 = never removed; null = removed, not back). */
	function gaps(since) {
		const out = {};
		const history = sandbox.state.listenerHistory.filter((h) => h.atMs >= since);
		for (const [type, channel] of SLOTS) {
			const mine = history.filter((h) => h.EventTypeID === type && h.ChannelID === channel);
			const off = mine.find((h) => h.action === 'unregister');
			const on = off && mine.find((h) => h.atMs >= off.atMs && h.action !== 'unregister' && h.action !== 'unregister-missing');
			out[`listener ${type}${channel ? `/${channel}` : ''}`] = !off ? 0 : on ? on.atMs - off.atMs : null;
		}
		const hooks = sandbox.state.webhookHistory.filter((h) => h.at >= since && h.url.includes('/gap-triggered/'));
		const deleted = hooks.find((h) => h.action === 'delete');
		const created = deleted && hooks.find((h) => h.action === 'create' && h.at >= deleted.at);
		out['triggered webhook'] = !deleted ? 0 : created ? created.at - deleted.at : null;
		return out;
	}

	const rows = [];
	const samples = {};
	for (const [variant, edit] of Object.entries(VARIANTS)) {
		for (let round = 1; round <= ROUNDS; round++) {
			const since = Date.now();
			let publishMs = 0;
			for (const id of [listener, triggered]) {
				const nodes = edit((await n8n.api('GET', `/workflows/${id}`)).nodes, round);
				if (nodes) {
					const current = await n8n.api('GET', `/workflows/${id}`);
					await n8n.api('PUT', `/workflows/${id}`, { name: current.name, nodes, connections: current.connections, settings: current.settings });
				}
				const t = Date.now();
				await n8n.publish(id);
				publishMs += Date.now() - t;
			}
			// Async publication applies the change in the background: wait for it (or, if nothing is
			// re-registered at all, give the outbox a moment to prove it).
			await sleep(args.async ? 3000 : 200);
			await waitFor(registered, { timeoutMs: 60_000, intervalMs: 100, what: 'the registrations after re-publishing' });
			const measured = gaps(since);
			for (const [what, ms] of Object.entries(measured)) (samples[`${variant}|${what}`] ??= []).push(ms);
			(samples[`${variant}|publish call (2 workflows)`] ??= []).push(publishMs);
		}
	}
	for (const [key, values] of Object.entries(samples)) {
		const [variant, what] = key.split('|');
		const known = values.filter((v) => v !== null);
		rows.push({ variant, what, 'median ms': r1(median(known)), 'max ms': r1(Math.max(...known)), 'never back': values.length - known.length });
	}
	console.log(`\nRe-publish gaps, n8n publication ${args.async ? 'asynchronous (service on)' : 'synchronous (service off)'}, Optimove latency +${LATENCY_MS} ms, ${ROUNDS} rounds\n`);
	console.log(table(rows));
	const file = writeResult(args.out ?? `republish-gap-${args.async ? 'async' : 'sync'}${LATENCY_MS ? `-latency${LATENCY_MS}` : ''}`, {
		publication: args.async ? 'async' : 'sync',
		latencyMs: LATENCY_MS,
		rounds: ROUNDS,
		rows,
		samples,
	});
	console.log(`\nwritten ${file}`);
} finally {
	await bench.stop();
}
