import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { node } from '../../tools/n8n/fixtures.mjs';
import { ROOT } from '../../tools/n8n/index.mjs';

// Long drill (npm run drills): lifecycle churn. CYCLES publish/unpublish cycles of trigger
// workflows (listeners without channel, channel-specific listeners, triggered conditional
// execution), n8n SIGKILLed mid-cycle and restarted, a foreign listener pre-seeded (with the
// sandbox CLI) in a slot a workflow asks for → Optimove holds exactly what the published
// workflows own, never a duplicate, and the foreign registrations stay untouched.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const CYCLES = Number(process.env.DRILL_CHURN_CYCLES || 50);
// Where n8n is SIGKILLed: between two API calls, or while a publish/unpublish is in flight (after delayMs).
const KILLS = Object.fromEntries(
	Object.entries({
		7: { kind: 'between publishes' },
		13: { kind: 'in-flight publish', delayMs: 40 },
		19: { kind: 'in-flight publish', delayMs: 150 },
		26: { kind: 'in-flight unpublish', delayMs: 40 },
		33: { kind: 'in-flight unpublish', delayMs: 150 },
		40: { kind: 'in-flight publish', delayMs: 400 },
		46: { kind: 'between unpublishes' },
	}).filter(([cycle]) => Number(cycle) < CYCLES),
);
const FOREIGN_LISTENER = 'https://crm.example.test/optimove/cancelled';
const FOREIGN_CHANNEL_LISTENER = 'https://crm.example.test/optimove/executed-999';
const FOREIGN_WEBHOOK = 'https://crm.example.test/optimove/triggered';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const run = promisify(execFile);

const SPECS = {
	plain: { webhookId: 'drill-churn-plain', parameters: { source: 'eventListeners', events: [1, 2, 3] }, slots: [[1, null], [2, null], [3, null]] },
	channel: { webhookId: 'drill-churn-channel', parameters: { source: 'eventListeners', events: [1, 11, 13], channelId: 505 }, slots: [[1, 505], [11, 505], [13, 505]] },
	triggered: { webhookId: 'drill-churn-triggered', parameters: { source: 'triggeredConditionalExecution', options: {} }, webhook: true },
	// Asks for the foreign slot (4) and a free one (5): publishing must fail and register nothing.
	conflict: { webhookId: 'drill-churn-conflict', parameters: { source: 'eventListeners', events: [5, 4] }, slots: [] },
};

export function register(ctx) {
	describe(`drill: lifecycle churn (${CYCLES} cycles, SIGKILL in cycles ${Object.keys(KILLS).join(', ')})`, () => {
		const ids = {};
		const active = new Set();
		const figures = { cycles: 0, publishes: 0, unpublishes: 0, refusedPublishes: 0, kills: 0, restarts: 0, checks: 0, eventsFired: 0, maxRecoveryMs: 0, leftoversAfterInFlightKill: 0, inFlightKills: [] };
		// Workflows whose in-flight kill may have left an own-URL registration: cleared by their next publish/unpublish.
		const pendingCleanup = new Set();

		const slotKey = (type, channel) => `${type}/${channel ?? '-'}`;
		const urlOf = (name) => `/webhook/${SPECS[name].webhookId}/webhook?token=`;
		const webhooks = () => [...ctx.sandbox.state.webhooks.values()];

		/** What Optimove must hold now: each published workflow's slots/webhook, plus the foreign ones. */
		function expected() {
			const slots = new Map([
				[slotKey(4, null), FOREIGN_LISTENER],
				[slotKey(13, 999), FOREIGN_CHANNEL_LISTENER],
			]);
			for (const name of active) for (const [type, channel] of SPECS[name].slots ?? []) slots.set(slotKey(type, channel), urlOf(name));
			const hooks = [FOREIGN_WEBHOOK, ...[...active].filter((n) => SPECS[n].webhook).map(urlOf)];
			return { slots, hooks };
		}

		/** Differences between Optimove's registrations and what the published workflows own. */
		function differences({ allowLeftovers = true } = {}) {
			const want = expected();
			const problems = [];
			const leftover = (text) => allowLeftovers && [...pendingCleanup].some((n) => !active.has(n) && text.includes(SPECS[n].webhookId));
			const held = ctx.sandbox.listListeners();
			for (const l of held) {
				const wanted = want.slots.get(slotKey(l.EventTypeID, l.ChannelID));
				if (!wanted && leftover(l.ListenerURL)) continue;
				if (!wanted) problems.push(`orphaned listener ${slotKey(l.EventTypeID, l.ChannelID)} → ${l.ListenerURL}`);
				else if (wanted.startsWith('https://') ? l.ListenerURL !== wanted : !l.ListenerURL.includes(wanted)) problems.push(`slot ${slotKey(l.EventTypeID, l.ChannelID)} holds ${l.ListenerURL}, expected …${wanted}`);
			}
			for (const key of want.slots.keys()) if (!held.some((l) => slotKey(l.EventTypeID, l.ChannelID) === key)) problems.push(`missing listener ${key}`);
			const hooks = webhooks();
			for (const wanted of want.hooks) {
				const n = hooks.filter((h) => (wanted.startsWith('https://') ? h.url === wanted : h.url.includes(wanted))).length;
				if (n !== 1) problems.push(`${n} webhooks for …${wanted} (want exactly 1)`);
			}
			for (const h of hooks) if (!leftover(h.url) && !want.hooks.some((w) => (w.startsWith('https://') ? h.url === w : h.url.includes(w)))) problems.push(`orphaned webhook ${h.id} → ${h.url}`);
			return problems;
		}

		/** Waits until Optimove holds exactly what is expected (n8n re-registers after a restart in the background), then checks it stays so. */
		async function assertRegistrations(when, timeoutMs = 60_000) {
			const started = Date.now();
			let problems = differences();
			while (problems.length > 0 && Date.now() - started < timeoutMs) {
				await sleep(250);
				problems = differences();
			}
			figures.checks++;
			assert.deepEqual(problems, [], `${when}: Optimove holds exactly what the published workflows own`);
			return Date.now() - started;
		}

		async function publish(name) {
			await ctx.n8n.publish(ids[name]);
			active.add(name);
			pendingCleanup.delete(name);
			figures.publishes++;
		}
		async function unpublish(name) {
			await ctx.n8n.unpublish(ids[name]);
			active.delete(name);
			pendingCleanup.delete(name);
			figures.unpublishes++;
		}

		/**
		 * Restarts n8n and waits until it has finished starting: n8n answers /healthz/readiness before it
		 * has re-activated the published workflows (it does that last, then prints the editor URL). An
		 * unpublish sent in between races that re-activation, which can register the workflow again after
		 * its delete ran (n8n's behaviour with N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false): the drill acts
		 * once n8n is up, as an operator would.
		 */
		async function restartAndSettle() {
			const startsLogged = () => ctx.n8n.logs().split('Editor is now accessible via').length - 1;
			const before = startsLogged();
			await ctx.n8n.restart();
			const until = Date.now() + 120_000;
			while (startsLogged() <= before && Date.now() < until) await sleep(200);
			assert.ok(startsLogged() > before, 'n8n finished starting (published workflows re-activated)');
		}

		/** SIGKILL n8n and start it again on the same folder; published workflows are re-activated. */
		async function crash(when) {
			await ctx.n8n.kill();
			figures.kills++;
			await restartAndSettle();
			figures.restarts++;
			const ms = await assertRegistrations(`after the SIGKILL ${when}`, 120_000);
			figures.maxRecoveryMs = Math.max(figures.maxRecoveryMs, ms);
		}

		/**
		 * SIGKILL while a publish or unpublish is in flight. Whether n8n recorded it is read back after the
		 * restart. A registration made just before the kill by a workflow n8n did not record as published
		 * cannot be seen by anything until that workflow is published or unpublished again (n8n runs no
		 * hook for it): such own-URL leftovers are counted here, and the next publish/unpublish must clear them.
		 */
		async function crashDuring(op, name, delayMs) {
			const pending = (op === 'publish' ? ctx.n8n.publish(ids[name]) : ctx.n8n.unpublish(ids[name])).then(
				() => 'answered',
				() => 'failed',
			);
			await sleep(delayMs);
			await ctx.n8n.kill();
			figures.kills++;
			const answer = await pending;
			await restartAndSettle();
			figures.restarts++;
			const workflow = await ctx.n8n.api('GET', `/workflows/${ids[name]}`);
			const isActive = workflow.active ?? Boolean(workflow.activeVersionId);
			if (isActive) active.add(name);
			else active.delete(name);
			// n8n re-activates published workflows in the background after it is ready: poll.
			pendingCleanup.add(name);
			const since = Date.now();
			let problems = differences({ allowLeftovers: false });
			const split = () => {
				const own = problems.filter((p) => p.includes(SPECS[name].webhookId) && !isActive);
				return { own, other: problems.filter((p) => !own.includes(p)) };
			};
			while (split().other.length > 0 && Date.now() - since < 120_000) {
				await sleep(250);
				problems = differences({ allowLeftovers: false });
			}
			const { own, other } = split();
			const ms = Date.now() - since;
			figures.maxRecoveryMs = Math.max(figures.maxRecoveryMs, ms);
			figures.inFlightKills.push(`${op} ${name} +${delayMs} ms: ${answer}, ${isActive ? 'published' : 'not published'} after restart, recovered in ${ms} ms, ${own.length} own leftover(s)`);
			figures.leftoversAfterInFlightKill += own.length;
			assert.deepEqual(other, [], `after a SIGKILL during ${op} of ${name}: Optimove holds what the published workflows own`);
		}

		before(async () => {
			// A foreign vendor's registrations, made the way an operator would: through the sandbox CLI / API.
			const cli = path.join(ROOT, 'tools/sandbox/cli.mjs');
			await run(process.execPath, [cli, 'seed-listener', '--url', ctx.sandbox.url, '--type', '4', '--listener-url', FOREIGN_LISTENER]);
			await run(process.execPath, [cli, 'seed-listener', '--url', ctx.sandbox.url, '--type', '13', '--channel', '999', '--listener-url', FOREIGN_CHANNEL_LISTENER]);
			const res = await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-api-key' },
				body: JSON.stringify({ url: FOREIGN_WEBHOOK }),
			});
			assert.equal(res.status, 201);
			for (const [name, spec] of Object.entries(SPECS)) {
				ids[name] = await ctx.n8n.createWorkflow({
					name: `drill churn: ${name}`,
					nodes: [node('Optimove Trigger', TRIGGER, spec.parameters, { credential: ctx.credentials.optimoveApi, webhookId: spec.webhookId, typeVersion: 1.1 })],
					connections: {},
				});
			}
			await assertRegistrations('before the drill');
		});
		after(async () => {
			for (const name of Object.keys(ids)) await ctx.n8n.unpublish(ids[name]).catch(() => undefined);
			const listenersAtEnd = ctx.sandbox.listListeners();
			// The foreign registrations were this drill's props: remove them for the suites after it.
			const headers = { 'content-type': 'application/json', 'x-api-key': 'sandbox-api-key' };
			for (const [EventTypeID, ChannelID] of [[4, undefined], [13, 999]]) {
				await fetch(`${ctx.sandbox.url}/General/UnregisterEventListener`, { method: 'POST', headers, body: JSON.stringify({ EventTypeID, ChannelID }) });
			}
			for (const hook of webhooks().filter((h) => h.url === FOREIGN_WEBHOOK)) {
				await fetch(`${ctx.sandbox.url}/conditional-execution/v2/triggered/webhooks/${hook.id}`, { method: 'DELETE', headers });
			}
			console.log(`# drill churn: ${JSON.stringify(figures)}; listeners at the end ${JSON.stringify(listenersAtEnd.map((l) => `${slotKey(l.EventTypeID, l.ChannelID)} ${l.ListenerURL.replace(/token=\w+/, 'token=…')}`))}`);
		});

		it(`${CYCLES} publish/unpublish cycles with SIGKILLs: zero orphans, zero duplicates, foreign slots untouched`, { timeout: 60 * 60_000 }, async () => {
			for (let cycle = 1; cycle <= CYCLES; cycle++) {
				const order = cycle % 2 ? ['plain', 'channel', 'triggered'] : ['triggered', 'channel', 'plain'];
				const kill = KILLS[cycle];
				// Publish all three; a kill lands in the middle of the cycle.
				for (const [i, name] of order.entries()) {
					if (kill?.kind === 'in-flight publish' && i === 1) {
						await crashDuring('publish', name, kill.delayMs);
						if (!active.has(name)) await publish(name);
						continue;
					}
					await publish(name);
					if (kill?.kind === 'between publishes' && i === 0) await crash(`in cycle ${cycle}, after publishing ${name}`);
				}
				if (cycle % 5 === 0) {
					await assert.rejects(ctx.n8n.publish(ids.conflict), /crm\.example\.test/, 'the foreign slot is refused by name');
					figures.refusedPublishes++;
				}
				await assertRegistrations(`cycle ${cycle}, all published`);
				if (cycle % 10 === 0) {
					// The registrations work: Optimove reaches the plain and the channel workflow.
					const before = { plain: (await ctx.n8n.executions(ids.plain)).length, channel: (await ctx.n8n.executions(ids.channel)).length };
					assert.equal((await ctx.sandbox.fireListenerEvent({ eventTypeId: 2 })).status, 200);
					assert.equal((await ctx.sandbox.fireListenerEvent({ eventTypeId: 13, channelId: 505 })).status, 200);
					figures.eventsFired += 2;
					await ctx.n8n.waitForExecutions(ids.plain, before.plain + 1, { includeData: false });
					await ctx.n8n.waitForExecutions(ids.channel, before.channel + 1, { includeData: false });
				}
				// Unpublish in the reverse order; the last cycle leaves "plain" and "triggered" published.
				for (const [i, name] of [...order].reverse().entries()) {
					if (cycle === CYCLES && name !== 'channel') continue;
					if (kill?.kind === 'in-flight unpublish' && i === 1) {
						await crashDuring('unpublish', name, kill.delayMs);
						if (active.has(name)) await unpublish(name);
						continue;
					}
					await unpublish(name);
					if (kill?.kind === 'between unpublishes' && i === 0) await crash(`in cycle ${cycle}, after unpublishing ${name}`);
				}
				await assertRegistrations(`cycle ${cycle}, after unpublishing`);
				figures.cycles++;
			}
			// One more crash with workflows published, then a full clean-up.
			await crash('at the end, two workflows published');
			await unpublish('plain');
			await unpublish('triggered');
			await assertRegistrations('the end, nothing published');
			const held = ctx.sandbox.listListeners();
			assert.deepEqual(
				held.map((l) => [l.EventTypeID, l.ChannelID, l.ListenerURL]),
				[
					[4, null, FOREIGN_LISTENER],
					[13, 999, FOREIGN_CHANNEL_LISTENER],
				],
				'only the foreign registrations remain',
			);
			assert.deepEqual(webhooks().map((h) => h.url), [FOREIGN_WEBHOOK]);
			const foreignHistory = ctx.sandbox.state.listenerHistory.filter((h) => (h.EventTypeID === 4 && h.ChannelID == null) || (h.EventTypeID === 13 && h.ChannelID === 999));
			assert.ok(foreignHistory.every((h) => !/drill-churn/.test(JSON.stringify(h))), 'no workflow ever took a foreign slot');
		});
	});
}
