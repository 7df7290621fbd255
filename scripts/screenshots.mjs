#!/usr/bin/env node
// Screenshots of every example workflow on the n8n canvas, for the README.
//
//   node scripts/screenshots.mjs          # attaches to the `npm start` n8n on 127.0.0.1:5678 if one
//                                         # answers; else builds, starts its own n8n + sandbox
//   node scripts/screenshots.mjs --own    # always its own n8n + sandbox (stopped at the end)
//
// Drives the distribution's headless Chromium (scripts/install-chromium.sh; never a browser
// download) with playwright-core (a dev dependency; it brings no browser of its own).
// Signs in through n8n's sign-in page, opens each examples/*.json workflow (found by name in an
// attached n8n, imported there with its credentials when missing), fits it to the canvas, and saves
// docs/images/<example file name>.png, plus docs/images/overview.png: example 2 with the node panel
// open on Optimove's actions.
//
//   node scripts/screenshots.mjs --failed-publish
//                                         # its own n8n with n8n's default (asynchronous) publication:
//                                         # publishes, in the editor, a trigger whose listener slot
//                                         # another system holds, and saves what the editor then shows
//                                         # as docs/images/failed-publish.png
//
// Options: --url <n8n> (also N8N_URL), --email/--password (default the owner `npm start` makes),
// --own, --no-build (own n8n: skip `npm run build`), --keep (own n8n: leave it running until
// Ctrl-C), --out <dir> (default docs/images), --only <prefix,…> (e.g. --only 1,3; add --overview
// for the overview too), --width/--height of the viewport (default 1280×800), --max-zoom (1.25).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { editorSession } from '../tools/n8n/client.mjs';
import { parseCli } from './lib/args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OWNER = { email: 'owner@example.test', password: 'Test-Pass-123' };
const SIGN_IN_EMAIL = 'input[type=email], input[name=emailOrLdapLoginId], input[name=email]';

/** The system Chromium's flags (headless, no sandbox, nothing fetched in the background). */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', '--force-color-profile=srgb', '--lang=en-US'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const str = { type: 'string' };
const args = parseCli({
	url: str,
	email: str,
	password: str,
	own: { type: 'boolean' },
	build: { type: 'boolean', default: true },
	keep: { type: 'boolean' },
	out: { type: 'string', default: 'docs/images' },
	only: str,
	overview: { type: 'boolean' },
	width: { type: 'string', default: '1280' },
	height: { type: 'string', default: '800' },
	'max-zoom': { type: 'string', default: '1.25' },
	'failed-publish': { type: 'boolean' },
});
const outDir = path.resolve(root, args.out);
const viewport = { width: Number(args.width), height: Number(args.height) };
const maxZoom = Number(args['max-zoom']);
const only = args.only ? String(args.only).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
const log = (...parts) => console.log(...parts);

const cleanups = [];
let cleaning = false;
async function cleanup() {
	if (cleaning) return;
	cleaning = true;
	for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cleanup().then(() => process.exit(130)));

try {
	await main();
	await cleanup();
} catch (error) {
	console.error(`screenshots failed: ${error.stack ?? error.message}`);
	await cleanup();
	process.exit(1);
}

async function main() {
	if (args['failed-publish']) return failedPublish();
	const { readExamples, attachCredentials, createCredentials } = await import('../tools/n8n/fixtures.mjs');
	const examples = readExamples().filter((e) => !only || only.some((p) => e.file.startsWith(p)));
	if (!examples.length) throw new Error('no example workflow matches');

	// 1. An n8n with the package and the examples.
	const n8n = await attachOrStart();
	const workflows = await ensureWorkflows(n8n, examples, { attachCredentials, createCredentials });

	// 2. A browser, signed in.
	const browser = await launchChromium();
	cleanups.push(() => browser.close());
	const page = await browser.newPage({ viewport, deviceScaleFactor: 1, locale: 'en-US' });
	await signIn(page, n8n);

	// 3. One picture per example, then the overview.
	mkdirSync(outDir, { recursive: true });
	for (const { example, id } of workflows) {
		const file = path.join(outDir, example.file.replace(/\.json$/, '.png'));
		await openWorkflow(page, n8n.baseUrl, id, example);
		await fitView(page);
		await save(page, file);
	}
	const overviewSource = workflows.find((w) => /triggered/.test(w.example.file)) ?? workflows[0];
	if (!only || args.overview) {
		await openWorkflow(page, n8n.baseUrl, overviewSource.id, overviewSource.example);
		await fitView(page);
		// Fit the workflow into the part of the canvas the node panel (385 px wide) leaves free.
		await fitView(page, { reserveRight: 400 });
		await openNodePanel(page, 'Optimove');
		await save(page, path.join(outDir, 'overview.png'));
	}
	if (args.keep && n8n.own) {
		await browser.close();
		log(`\nn8n stays up at ${n8n.baseUrl} (${OWNER.email} / ${OWNER.password}); Ctrl-C to stop.`);
		await new Promise(() => undefined);
	}
}

/**
 * What a user sees when n8n's default (asynchronous) publication fails in the background: publish
 * answers at once, and about 15 s later (n8n's five attempts) the editor shows the trigger's error.
 */
async function failedPublish() {
	const { createCredentials, node } = await import('../tools/n8n/fixtures.mjs');
	const { startN8n } = await import('../tools/n8n/index.mjs');
	const { startSandbox } = await import('../tools/sandbox/server.mjs');
	if (args.build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	const sandbox = await startSandbox({ port: 0, log: false });
	cleanups.push(() => sandbox.close());
	const harness = await startN8n({ quiet: true, publication: 'default' });
	cleanups.push(() => harness.stop());
	log(`n8n ${harness.baseUrl} (n8n's default publication), sandbox ${sandbox.url}`);
	const { optimoveApi } = await createCredentials(harness, sandbox);
	sandbox.seedListener({ EventTypeID: 1, ChannelID: 505, ListenerURL: 'https://crm.example.test/optimove/campaign-processed' });
	const trigger = node('Optimove Trigger', 'n8n-nodes-optimove.optimoveTrigger', { source: 'eventListeners', events: [1], channelId: 505 }, { credential: optimoveApi, webhookId: 'campaign-processed', typeVersion: 1.1, position: [0, 0] });
	const next = node('Update CRM', 'n8n-nodes-base.noOp', {}, { position: [260, 0] });
	const id = await harness.createWorkflow({ name: 'Campaign processed → CRM', nodes: [trigger, next], connections: { [trigger.name]: { main: [[{ node: next.name, type: 'main', index: 0 }]] } } });

	const browser = await launchChromium();
	cleanups.push(() => browser.close());
	const page = await browser.newPage({ viewport, deviceScaleFactor: 1, locale: 'en-US' });
	await signIn(page, await restClient(harness.baseUrl, OWNER));
	await openWorkflow(page, harness.baseUrl, id, { file: 'failed publish', nodes: [trigger, next] }, { hideOverlays: false });
	await fitView(page);
	// The editor's own Publish: the header button, then the modal's confirm button.
	await clickAndSettle(page, '[data-test-id="workflow-open-publish-modal-button"]');
	await waitFor(page, `document.querySelector('[data-test-id="workflow-publish-button"]')`, { what: 'the publish dialog' });
	await clickAndSettle(page, '[data-test-id="workflow-publish-button"]');
	log('  published in the editor; waiting for n8n to give up (its retries take about 15 s)');
	await waitFor(page, `[...document.querySelectorAll('.el-notification')].some((n) => /held by another URL/.test(n.textContent))`, { what: 'the failed-publish toast', timeoutMs: 90_000 });
	await page.mouse.move(4, viewport.height - 4);
	await sleep(1200);
	mkdirSync(outDir, { recursive: true });
	await save(page, path.join(outDir, 'failed-publish.png'));
	const state = await harness.publicationStatus(id);
	log(`  publication-status: ${state.status}: ${state.triggers.map((t) => t.errorMessage).join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// n8n: attach to a running one or start our own (with the sandbox), then find/import the examples

async function attachOrStart() {
	const url = (args.url ?? process.env.N8N_URL ?? 'http://127.0.0.1:5678').replace(/\/$/, '');
	const explicit = Boolean(args.url ?? process.env.N8N_URL);
	const credentials = { email: args.email ?? OWNER.email, password: args.password ?? OWNER.password };
	if (!args.own && (await isUp(url))) {
		log(`Attaching to the n8n at ${url}`);
		return restClient(url, credentials);
	}
	if (explicit && !args.own) throw new Error(`no n8n answers at ${url}`);

	log(args.own ? 'Starting an n8n with the sandbox (--own).' : 'No n8n at the default address: starting one with the sandbox.');
	if (args.build) {
		log('Building the package…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	}
	const { startN8n } = await import('../tools/n8n/index.mjs');
	const { startSandbox } = await import('../tools/sandbox/server.mjs');
	const sandbox = await startSandbox({ port: 0, log: false });
	cleanups.push(() => sandbox.close());
	const n8n = await startN8n({ quiet: true });
	cleanups.push(() => n8n.stop());
	log(`n8n ${n8n.baseUrl} (booted in ${n8n.bootSeconds.toFixed(0)} s), sandbox ${sandbox.url}`);
	const client = await restClient(n8n.baseUrl, OWNER);
	return Object.assign(client, { own: true, sandbox, harness: n8n });
}

async function isUp(url) {
	try {
		const res = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(3000) });
		return res.ok;
	} catch {
		return false;
	}
}

/** The editor API with a session of our own (a browser id of its own, beside the harness's). */
async function restClient(baseUrl, { email, password }) {
	const rest = editorSession(baseUrl, { browserId: `screenshots-${crypto.randomUUID()}`, timeoutMs: 60_000 });
	await rest('POST', '/login', { emailOrLdapLoginId: email, password });
	return { baseUrl, rest, email, password, own: false };
}

/** `[{ example, id }]`: each example's workflow in this n8n, imported (with credentials) when missing. */
async function ensureWorkflows(n8n, examples, { attachCredentials, createCredentials }) {
	const existing = await listWorkflows(n8n);
	let credentials;
	const out = [];
	for (const example of examples) {
		const found = existing.filter((w) => w.name === example.name).sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)))[0];
		if (found) {
			// An n8n started before the example changed holds an older copy: say so (the picture
			// shows what that n8n has). --own, or restarting `npm start`, imports the current files.
			const stored = await n8n.rest('GET', `/workflows/${found.id}`);
			const names = (w) => w.nodes.map((n) => n.name).sort().join('\n');
			if (names(stored) !== names(example)) log(`  ! ${example.file}: the copy in this n8n (${found.id}) has other nodes than the file; restart \`npm start\` or use --own`);
			out.push({ example: { ...example, nodes: stored.nodes }, id: found.id });
			continue;
		}
		credentials ??= n8n.own ? await createCredentials(n8n.harness, n8n.sandbox) : await findCredentials(n8n);
		const { file: _file, ...workflow } = attachCredentials(example, credentials);
		let id;
		if (n8n.own) {
			// As `npm start` does: import, and publish what has a trigger (the sandbox takes the listeners).
			id = await n8n.harness.createWorkflow(workflow);
			if (workflow.nodes.some((n) => /trigger|webhook/i.test(n.type))) await n8n.harness.publish(id).catch((error) => log(`  ! could not publish ${example.file}: ${error.message}`));
		} else {
			id = (await n8n.rest('POST', '/workflows', { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings ?? {} })).id;
		}
		log(`  imported ${example.file} → ${id}`);
		out.push({ example, id });
	}
	return out;
}

async function listWorkflows(n8n) {
	const data = await n8n.rest('GET', '/workflows?take=500');
	return Array.isArray(data) ? data : (data?.data ?? []);
}

/** The package's credentials already in an attached n8n (the ones `npm start` created), by type. */
async function findCredentials(n8n) {
	const list = await n8n.rest('GET', '/credentials');
	const items = Array.isArray(list) ? list : (list?.data ?? []);
	const pick = (type, prefer) => {
		const ofType = items.filter((c) => c.type === type);
		const chosen = ofType.find((c) => prefer.test(c.name)) ?? ofType[0];
		if (!chosen) throw new Error(`no ${type} credential in this n8n: start it with \`npm start\` or let this script start its own`);
		return { id: chosen.id, name: chosen.name, type };
	};
	return { optimoveApi: pick('optimoveApi', /sandbox/i), optimoveEventsApi: pick('optimoveEventsApi', /sandbox/i) };
}

// ---------------------------------------------------------------------------------------------
// The n8n editor (playwright-core's page)

async function signIn(page, n8n) {
	await page.goto(`${n8n.baseUrl}/signin`);
	await waitFor(page, `document.querySelector(${JSON.stringify(SIGN_IN_EMAIL)})`, { what: 'the sign-in form' });
	await page.locator(SIGN_IN_EMAIL).first().fill(n8n.email);
	await page.locator('input[type=password]').fill(n8n.password);
	await page.locator('button').filter({ hasText: /^sign in$/i, visible: true }).first().click();
	await waitFor(page, `!location.pathname.startsWith('/signin')`, { what: 'leaving the sign-in page', timeoutMs: 30_000 });
	log(`Signed in as ${n8n.email}`);
}

/** Waits until `expression` (evaluated in the page) is true; on a timeout saves what the page showed. */
async function waitFor(page, expression, { what = expression, timeoutMs = 20_000 } = {}) {
	try {
		await page.waitForFunction(`Boolean(${expression})`, undefined, { timeout: timeoutMs, polling: 250 });
	} catch (error) {
		if (error?.name !== 'TimeoutError') throw error;
		const shot = path.join(os.tmpdir(), 'screenshots-timeout.png');
		await page.screenshot({ path: shot }).catch(() => undefined);
		throw new Error(`timed out waiting for ${what} (the page then: ${shot})`);
	}
}

async function openWorkflow(page, baseUrl, id, example, { hideOverlays = true } = {}) {
	await page.goto(`${baseUrl}/workflow/${id}`, { timeout: 60_000 });
	const expected = example.nodes.length;
	await waitFor(page, `document.querySelectorAll('.vue-flow__node').length >= ${expected}`, { what: `${expected} nodes of ${example.file} on the canvas`, timeoutMs: 60_000 });
	// Node icons are <img>s (community nodes) or inline SVGs: wait until every image has loaded.
	await waitFor(page, `[...document.querySelectorAll('.vue-flow__node img')].every((img) => img.complete && img.naturalWidth > 0)`, { what: 'node icons', timeoutMs: 30_000 });
	await sleep(800);
	if (hideOverlays) await dismissOverlays(page);
	else await page.keyboard.press('Escape');
}

/** Closes toasts, "what's new" and other dialogs, and hides banners that are not the workflow. */
async function dismissOverlays(page) {
	for (let round = 0; round < 3; round++) {
		await page.keyboard.press('Escape');
		await page.evaluate(`(() => {
			for (const el of document.querySelectorAll('.el-notification__closeBtn, .el-message__closeBtn, .el-dialog__headerbtn, [data-test-id="banner-close-button"], [data-test-id*="close"]')) {
				if (el.offsetParent !== null) el.click();
			}
		})()`);
		await sleep(300);
	}
	await page.addStyleTag({
		content: `
		.el-notification, .el-message, .el-overlay, .el-popper, [data-test-id="banners"], .banners { display: none !important; }
		/* The floating run button sits over the canvas and can hide a node's label. */
		[data-test-id="execute-workflow-button"] { display: none !important; }
	`,
	});
}

/**
 * n8n's "zoom to fit" (shortcut 1) fits the node boxes, not the names under them, and ignores the
 * controls over the canvas; so: fit, then zoom out (n8n's button) until nodes, names, output labels
 * and sticky notes fit inside the free part of the canvas, zoom in while they still would (up to
 * --max-zoom, default 1.25), and center them by scrolling the canvas.
 */
async function fitView(page, { reserveRight = 0 } = {}) {
	await page.evaluate(`document.activeElement && document.activeElement.blur && document.activeElement.blur()`);
	await page.keyboard.press('Digit1');
	await sleep(700);
	const measureCanvas = (p) => measureCanvasArea(p, reserveRight);
	const fits = (m, f = 1) => m.content.w * f <= m.area.w && m.content.h * f <= m.area.h;
	for (let i = 0; i < 8 && !fits(await measureCanvas(page)); i++) await clickAndSettle(page, '[data-test-id="zoom-out-button"]');
	for (let i = 0; i < 4; i++) {
		const m = await measureCanvas(page);
		if (m.zoom * 1.2 > maxZoom + 0.01 || !fits(m, 1.2)) break;
		await clickAndSettle(page, '[data-test-id="zoom-in-button"]');
	}
	for (let i = 0; i < 3; i++) {
		const m = await measureCanvas(page);
		const dx = m.content.x + m.content.w / 2 - (m.area.x + m.area.w / 2);
		const dy = m.content.y + m.content.h / 2 - (m.area.y + m.area.h / 2);
		if (Math.abs(dx) < 4 && Math.abs(dy) < 4) break;
		// A wheel event pans the canvas (by half its delta in n8n 2.41; measured again each round).
		await page.mouse.move(m.area.x + m.area.w / 2, m.area.y + m.area.h / 2);
		await page.mouse.wheel(dx * 2, dy * 2);
		await sleep(400);
	}
	const m = await measureCanvas(page);
	if (!fits(m)) log(`  ! the workflow does not fit the canvas even at zoom ${m.zoom.toFixed(2)}`);
	// Park the mouse on empty canvas: no hover highlight on a button or node in the picture.
	await page.mouse.move(m.pane.x + 4, m.pane.y + 4);
	await sleep(300);
}

async function clickAndSettle(page, selector) {
	await page.locator(selector).first().click();
	await sleep(450);
}

/** Screen boxes: what must be visible (`content`) and the free part of the canvas (`area`). */
async function measureCanvasArea(page, reserveRight) {
	return page.evaluate(`(() => {
		const pane = document.querySelector('.vue-flow');
		const p = pane.getBoundingClientRect();
		// Keep clear of the view tabs (top), the buttons on the right and the zoom buttons (bottom),
		// and of what the caller reserves on the right (the node panel).
		const right = p.right - Math.max(72, ${reserveRight});
		const area = { x: p.left + 24, y: p.top + 36, w: right - p.left - 24, h: p.height - 36 - 72 };
		let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
		const parts = '[class*="_description_"], [class*="_bolt_"], [class*="_outputLabel_"], [data-test-id="canvas-handle-plus-wrapper"]';
		for (const node of document.querySelectorAll('.vue-flow__node')) {
			for (const el of [node, ...node.querySelectorAll(parts)]) {
				const box = el.getBoundingClientRect();
				if (!box.width || !box.height) continue;
				l = Math.min(l, box.left); t = Math.min(t, box.top); r = Math.max(r, box.right); b = Math.max(b, box.bottom);
			}
		}
		const transform = document.querySelector('.vue-flow__transformationpane')?.style.transform ?? '';
		const zoom = Number((transform.match(/scale\\(([\\d.]+)\\)/) || [])[1] || 1);
		return { pane: { x: p.left, y: p.top }, area, content: { x: l, y: t, w: r - l, h: b - t }, zoom };
	})()`);
}

async function openNodePanel(page, search) {
	await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
	// The panel opens with its search box focused: type into it (a click could land outside it).
	await waitFor(page, `document.activeElement && document.activeElement.closest('[data-test-id="node-creator-search-bar"]')`, { what: 'the node panel search box' });
	await page.keyboard.insertText(search);
	await waitFor(page, `[...document.querySelectorAll('[data-test-id="node-creator-item-name"]')].some((e) => /^Optimove/.test(e.textContent.trim()))`, { what: 'Optimove in the node panel' });
	// n8n lists the node and its trigger as one app; opening it lists every action and trigger.
	await page.locator('[data-test-id="node-creator-item-name"]').filter({ hasText: /^Optimove$/, visible: true }).first().click();
	await sleep(1500);
	await waitFor(page, `[...document.querySelectorAll('[data-test-id="node-creator"] img')].every((img) => img.complete && img.naturalWidth > 0)`, { what: 'icons in the node panel' });
	await sleep(600);
}

async function save(page, file) {
	const png = await page.screenshot({ type: 'png' });
	writeFileSync(file, png);
	log(`  saved ${path.relative(root, file)} (${Math.round(png.length / 1024)} KB)`);
}

// ---------------------------------------------------------------------------------------------
// The browser: the system's Chromium through playwright-core


async function launchChromium() {
	const executablePath = process.env.CHROMIUM || execFileSync('bash', [path.join(root, 'scripts/install-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
