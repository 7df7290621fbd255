// Every relative link and anchor in the user and contributor docs resolves: the file (or folder)
// exists, and a `#anchor` names a heading of the target page as GitHub renders it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const docs = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
const PAGES = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'tools/sandbox/README.md', 'test/e2e/README.md', ...docs];

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown) {
	return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's heading anchor: lower case, punctuation dropped (`_` and `-` kept), spaces → `-`. */
export function slug(heading) {
	return heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
		.replace(/ /g, '-');
}

/** Every anchor a page offers: its headings (duplicates numbered as GitHub does) and explicit ids. */
export function anchors(markdown) {
	const found = new Set();
	const seen = new Map();
	const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
	for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		const base = slug(heading);
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		found.add(n === 0 ? base : `${base}-${n}`);
	}
	for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id);
	return found;
}

/** `[text](target)` and `![alt](target)` targets, without an optional title. */
export function links(markdown) {
	return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** What is wrong with each relative link of `page` (repo-relative path); [] when all resolve. */
export function brokenLinks(page, markdown, read = (file) => readFileSync(path.join(root, file), 'utf8'), exists = (file) => existsSync(path.join(root, file))) {
	const problems = [];
	for (const target of links(markdown)) {
		if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
		const [file, anchor] = target.split('#');
		const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file))) : page;
		if (resolved.startsWith('..')) {
			problems.push(`${target}: points outside the repository`);
			continue;
		}
		if (!exists(resolved)) {
			problems.push(`${target}: ${resolved} does not exist`);
			continue;
		}
		if (anchor === undefined) continue;
		if (!resolved.endsWith('.md')) {
			problems.push(`${target}: an anchor into ${resolved}, which is not a Markdown page`);
			continue;
		}
		if (!anchors(read(resolved)).has(anchor)) problems.push(`${target}: ${resolved} has no heading with anchor #${anchor}`);
	}
	return problems;
}

describe('the link checker itself', () => {
	test('slugs headings the way GitHub does', () => {
		assert.equal(slug('What `npm start` gives you'), 'what-npm-start-gives-you');
		assert.equal(slug('Webhook ingestion (`bench/trigger-ingest.mjs`)'), 'webhook-ingestion-benchtrigger-ingestmjs');
		assert.equal(slug('Queue mode (`--queue`)'), 'queue-mode---queue');
		assert.equal(slug('Registration lifecycle (publish / unpublish)'), 'registration-lifecycle-publish--unpublish');
		assert.equal(slug('8. Assumptions in one table'), '8-assumptions-in-one-table');
	});
	test('numbers repeated headings and reads explicit ids', () => {
		assert.deepEqual([...anchors('## Set-up\n## Set-up\n<a id="x"></a>\n```\n# not a heading\n```\n')], ['set-up', 'set-up-1', 'x']);
	});
	test('reports a missing file, a missing anchor and a link out of the repository, and ignores code and URLs', () => {
		const pages = { 'docs/a.md': '# A\n## Real heading\n' };
		const page = [
			'[ok](a.md#real-heading) [self](#top) [gone](missing.md) [bad anchor](a.md#nope)',
			'[out](../../etc/passwd) [web](https://example.com/x#y) `[code](nowhere.md)`',
			'```\n[fenced](nowhere.md)\n```',
			'# Top',
		].join('\n');
		const read = (file) => (file === 'docs/b.md' ? page : pages[file]);
		const exists = (file) => file === 'docs/b.md' || file in pages;
		assert.deepEqual(brokenLinks('docs/b.md', page, read, exists), [
			'missing.md: docs/missing.md does not exist',
			'a.md#nope: docs/a.md has no heading with anchor #nope',
			'../../etc/passwd: points outside the repository',
		]);
	});
});

describe('relative links and anchors in the docs resolve', () => {
	for (const page of PAGES) {
		test(page, () => {
			assert.ok(statSync(path.join(root, page)).isFile(), `${page} is missing`);
			assert.deepEqual(brokenLinks(page, readFileSync(path.join(root, page), 'utf8')), []);
		});
	}
});
