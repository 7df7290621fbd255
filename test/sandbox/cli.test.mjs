// The sandbox CLI's example-workflow commands against an in-process sandbox and a stand-in for
// n8n (run: node --test test/sandbox/cli.test.mjs).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../tools/sandbox/server.mjs';
import { EXAMPLE_WEBHOOKS } from '../../tools/sandbox/lib/demo.mjs';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tools/sandbox/cli.mjs');

function cli(args, env) {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) =>
			resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
		);
	});
}

/** Stands in for n8n: the example workflows' webhooks and the listener URL, answering like them. */
async function fakeN8n(sb) {
	const calls = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
			calls.push({ url: req.url, body });
			let answer = { received: true };
			if (req.url === `/webhook/${EXAMPLE_WEBHOOKS.profileSync}`) answer = body.map((c) => ({ customerId: c.customerId, attributes: 3, sent: true }));
			if (req.url === `/webhook/${EXAMPLE_WEBHOOKS.eventRows}`) {
				const bad = body.map((row, i) => ({ row, i })).filter(({ row }) => !row.transaction_id || typeof row.deposit_amount !== 'number' || !row.customer);
				answer = [{ received: body.length, sent: body.length - bad.length, invalid: bad.length, invalidRows: bad.map(({ row, i }) => ({ row: i, customer: row.customer ?? null, reason: 'refused' })) }];
			}
			if (req.url === `/webhook/${EXAMPLE_WEBHOOKS.optimizely}`) {
				const list = body.filter((e) => e.type === 'unsubscribe').map((e) => ({ CustomerID: e.recipientId, Attributes: [{ RealFieldName: 'OptIn', Value: 'No' }] }));
				await fetch(`${sb.url}/Customers/UpdateCustomerAttributes`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'X-API-KEY': 'sandbox-api-key' },
					body: JSON.stringify({ CustomerNewAttributesValuesList: list }),
				});
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(answer));
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${server.address().port}`, calls, close: () => new Promise((r) => server.close(r)) };
}

describe('sandbox CLI: example workflow commands', () => {
	let sb;
	let n8n;
	let env;
	before(async () => {
		sb = await startSandbox({ port: 0, log: false });
		n8n = await fakeN8n(sb);
		env = { OPTIMOVE_SANDBOX_URL: sb.url, N8N_URL: n8n.url };
		sb.seedListener({ EventTypeID: 13, ChannelID: 505, ListenerURL: `${n8n.url}/listener` });
		sb.seedListener({ EventTypeID: 4, ListenerURL: `${n8n.url}/listener` });
	});
	after(async () => {
		await sb.close();
		await n8n.close();
	});

	test('execute: a campaign of N customers on the channel, type 13 to its listener; cancel: type 4 for the newest campaign', async () => {
		const r = await cli(['execute', '--channel', '505', '--customers', '30'], env);
		assert.equal(r.code, 0, r.stderr);
		const campaign = [...sb.state.campaigns.values()].at(-1);
		assert.equal(campaign.size, 30);
		assert.equal(campaign.channelId, 505);
		assert.match(r.stdout, new RegExp(`campaign ${campaign.id}: 30 customers executed on channel 505; type 13 → .*: 200`));
		assert.deepEqual(n8n.calls.at(-1).body, { EventTypeID: 13, TimeStamp: n8n.calls.at(-1).body.TimeStamp, CampaignID: campaign.id, ChannelID: 505 });
		const c = await cli(['cancel'], env);
		assert.equal(c.code, 0, c.stderr);
		assert.ok(campaign.cancelledAt);
		assert.deepEqual(n8n.calls.at(-1).body.EventTypeID, 4);
		assert.equal(n8n.calls.at(-1).body.CampaignID, campaign.id);
	});

	test('profile-sync, events --rows, optimizely post to the example webhooks and print the outcome', async () => {
		const p = await cli(['profile-sync', '--count', '4'], env);
		assert.equal(p.code, 0, p.stderr);
		assert.equal(n8n.calls.at(-1).body.length, 4);
		assert.match(p.stdout, /4 attribute changes → example 4 → Optimove UpdateCustomerAttributes: 4 sent, 0 failed/);

		const e = await cli(['events', '--rows', '20', '--invalid', '2'], env);
		assert.equal(e.code, 0, e.stderr);
		assert.equal(n8n.calls.at(-1).body.length, 20);
		assert.match(e.stdout, /20 rows \(2 deliberately invalid\) → example 5 → ootb_deposit events: 18 sent, 2 invalid/);
		assert.equal(e.stdout.match(/^ {2}row \d+/gm).length, 2);

		const o = await cli(['optimizely', '--unsubscribes', '2', '--bounces', '1', '--soft-bounces', '0'], env);
		assert.equal(o.code, 0, o.stderr);
		assert.deepEqual(n8n.calls.at(-1).body.map((x) => x.type), ['unsubscribe', 'unsubscribe', 'bounce']);
		assert.match(o.stdout, /CUST-U1: OptIn=No/);
		assert.match(o.stdout, /CUST-U2: OptIn=No/);
	});

	test('a webhook that is not published is reported as such', async () => {
		const r = await cli(['profile-sync'], { ...env, N8N_URL: `${sb.url}/nowhere` });
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /404.*is the example workflow published\?/);
	});
});
