#!/usr/bin/env node
// How many Optimove calls one publish makes when the listener slot belongs to another system, with
// n8n's default (asynchronous) publication: n8n answers the publish 200 and retries create() in the
// background. The sandbox counts the listener calls (GetRegisteredEventListeners, Register,
// Unregister) in each 5 s after the publish, for --seconds (default 60).
//
//   node bench/refused-publish.mjs [--seconds 60] [--package-dir <checkout>] [--out name]
//
// --package-dir measures another build of the package (a checkout with dist/ built), e.g. an earlier
// commit, to compare with. Prints the table and writes bench/results/<out>.json.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../tools/sandbox/server.mjs';
import { createCredentials, node } from '../tools/n8n/fixtures.mjs';
import { startN8n } from '../tools/n8n/index.mjs';
import { sleep, table, writeResult } from './lib.mjs';

const { values: args } = parseArgs({
	options: {
		seconds: { type: 'string', default: '60' },
		'package-dir': { type: 'string' },
		out: { type: 'string', default: 'refused-publish' },
	},
});
const SECONDS = Number(args.seconds);
const BUCKET_S = 5;
const FOREIGN = 'https://crm.example.test/optimove/processed';
const LISTENER_CALL = /^(GET \/General\/GetRegisteredEventListeners|POST \/General\/(Register|Unregister)EventListener)$/;

const sandbox = await startSandbox({ port: 0, log: false });
const n8n = await startN8n({ quiet: true, publication: 'default', packageDir: args['package-dir'] });
try {
	const { optimoveApi } = await createCredentials(n8n, sandbox);
	sandbox.seedListener({ EventTypeID: 1, ChannelID: 505, ListenerURL: FOREIGN });
	const parameters = { source: 'eventListeners', events: [1], channelId: 505 };
	const id = await n8n.createWorkflow({
		name: 'refused publish',
		nodes: [node('Optimove Trigger', 'n8n-nodes-optimove.optimoveTrigger', parameters, { credential: optimoveApi, webhookId: 'bench-refused', typeVersion: 1.1 })],
		connections: {},
	});

	const since = Date.now();
	await n8n.publish(id);
	let failedAfterS = null;
	let message = null;
	while (Date.now() - since < SECONDS * 1000) {
		const state = await n8n.publicationStatus(id);
		if (failedAfterS === null && state.status !== 'in_progress') {
			failedAfterS = (Date.now() - since) / 1000;
			message = `${state.status}: ${state.triggers.map((t) => t.errorMessage).join('; ')}`;
		}
		await sleep(250);
	}
	const calls = sandbox.state.recentRequests
		.toArray()
		.filter((r) => r.atMs >= since && r.atMs < since + SECONDS * 1000 && LISTENER_CALL.test(`${r.method} ${r.path}`))
		.map((r) => ({ atS: (r.atMs - since) / 1000, call: `${r.method} ${r.path}` }));
	const rows = [];
	for (let from = 0; from < SECONDS; from += BUCKET_S) {
		const inBucket = calls.filter((c) => c.atS >= from && c.atS < from + BUCKET_S);
		const count = (re) => inBucket.filter((c) => re.test(c.call)).length;
		rows.push({ seconds: `${from}–${from + BUCKET_S}`, calls: inBucket.length, reads: count(/^GET/), registers: count(/\/Register/), unregisters: count(/Unregister/) });
	}
	const packageDir = args['package-dir'] ? path.resolve(args['package-dir']) : 'this checkout';
	console.log(`\nOne publish refused for a foreign listener slot, n8n ${n8n.n8nVersion} default publication, package: ${packageDir}\n`);
	console.log(table(rows));
	console.log(`\nlistener calls in ${SECONDS} s: ${calls.length}; publication-status left in_progress after ${failedAfterS?.toFixed(1) ?? '—'} s`);
	console.log(`status: ${message}`);
	const file = writeResult(args.out, { seconds: SECONDS, package: args['package-dir'] ? 'other build (--package-dir)' : 'this checkout', total: calls.length, failedAfterS, message, rows, calls });
	console.log(`written ${file}`);
} finally {
	await n8n.stop();
	await sandbox.close();
}
