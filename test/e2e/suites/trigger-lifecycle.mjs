import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { node } from '../lib/fixtures.mjs';

// The trigger's registration lifecycle beyond a plain publish/unpublish, seen at the sandbox:
// giving a taken-over slot back on unpublish.

const TRIGGER = 'n8n-nodes-optimove.optimoveTrigger';
const FOREIGN = 'https://crm.example.test/optimove/all-processed';
const FOREIGN_CHANNEL = 'https://crm.example.test/optimove/realtime-505';
const THIRD = 'https://other-vendor.example.test/optimove/all-processed';

function triggerWorkflow(name, webhookId, parameters, credential) {
	return { name, nodes: [node('Optimove Trigger', TRIGGER, parameters, { credential, webhookId, typeVersion: 1.1 })], connections: {} };
}

export function register(ctx) {
	describe('Optimove Trigger: unpublishing a slot taken over with "Replace Existing Listeners"', () => {
		const slot = (type, channel = null) => ctx.sandbox.listListeners().find((s) => s.EventTypeID === type && s.ChannelID === channel)?.ListenerURL;
		const ours = (webhookId) => new RegExp(`/webhook/${webhookId}/webhook\\?token=`);
		let restoring;
		let leaving;
		before(async () => {
			ctx.sandbox.seedListener({ EventTypeID: 2, ListenerURL: FOREIGN });
			ctx.sandbox.seedListener({ EventTypeID: 11, ChannelID: 505, ListenerURL: FOREIGN_CHANNEL });
			const credential = ctx.credentials.optimoveApi;
			const parameters = { source: 'eventListeners', events: [2, 11], channelId: 505, replaceExisting: true };
			restoring = await ctx.n8n.createWorkflow(triggerWorkflow('replace, restore on unpublish', 'e2e-replace-restore', parameters, credential));
			leaving = await ctx.n8n.createWorkflow(
				triggerWorkflow('replace, leave empty', 'e2e-replace-leave', { ...parameters, onUnpublish: 'leaveEmpty' }, credential),
			);
		});
		after(async () => {
			for (const id of [restoring, leaving]) await ctx.n8n.unpublish(id).catch(() => undefined);
			ctx.sandbox.removeListener(2, null, 'e2e cleanup');
			ctx.sandbox.removeListener(11, 505, 'e2e cleanup');
		});

		it('by default, unpublishing gives each slot back to the URL it replaced', async () => {
			await ctx.n8n.publish(restoring);
			assert.match(slot(2), ours('e2e-replace-restore'));
			assert.match(slot(11, 505), ours('e2e-replace-restore'));
			await ctx.n8n.unpublish(restoring);
			assert.equal(slot(2), FOREIGN);
			assert.equal(slot(11, 505), FOREIGN_CHANNEL);
		});

		it('a slot someone else took meanwhile stays theirs, and the n8n log says the replaced URL was not restored', async () => {
			await ctx.n8n.publish(restoring);
			ctx.sandbox.seedListener({ EventTypeID: 2, ListenerURL: THIRD, by: 'other-vendor' });
			await ctx.n8n.unpublish(restoring);
			assert.equal(slot(2), THIRD, 'the newcomer keeps the slot');
			assert.equal(slot(11, 505), FOREIGN_CHANNEL, 'the untouched slot is given back');
			assert.match(ctx.n8n.logs(), new RegExp(`now points at ${THIRD.replace(/[.]/g, '\\.')}; left untouched, so the replaced listener ${FOREIGN.replace(/[.]/g, '\\.')} was NOT restored`));
		});

		it('"On Unpublish: Leave Slot Empty" unregisters and restores nothing', async () => {
			await ctx.n8n.publish(leaving);
			assert.match(slot(2), ours('e2e-replace-leave'));
			await ctx.n8n.unpublish(leaving);
			assert.equal(slot(2), undefined);
			assert.equal(slot(11, 505), undefined);
		});
	});
}
