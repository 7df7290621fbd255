// Code and tests cite the Optimove API contract as "contract §N" (or "optimove-api.md §N–§M"):
// every cited section exists in docs/optimove-api.md, and a quoted name after it ("§1 \"Key
// types\"") appears in that section.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FOLDERS = ['nodes', 'credentials', 'tools', 'scripts', 'bench', 'test'];
const SOURCE = /\.(mjs|js|ts)$/;

function* sourceFiles(folder) {
	for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
		const relative = `${folder}/${entry.name}`;
		if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'results') yield* sourceFiles(relative);
		else if (entry.isFile() && SOURCE.test(entry.name)) yield relative;
	}
}

/** Section number → its text, from the contract's `## N. Title` headings. */
export function sections(contract) {
	const found = new Map();
	const parts = contract.split(/^## (?=\d+\. )/m).slice(1);
	for (const part of parts) found.set(Number(part.match(/^(\d+)\./)[1]), part);
	return found;
}

/** Every citation in `text`: `{ line, numbers, name }`, a range `§2–§3` or `§1–3` giving each number. */
export function citations(text) {
	const found = [];
	text.split('\n').forEach((line, index) => {
		for (const m of line.matchAll(/§(\d+)(?:\s*[–-]\s*§?(\d+))?(?:\s+"([^"]+)")?/g)) {
			const from = Number(m[1]);
			const to = m[2] ? Number(m[2]) : from;
			const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
			found.push({ line: index + 1, numbers, name: m[3] });
		}
	});
	return found;
}

/** What is wrong with the citations of one file; [] when each points at a section that says it. */
export function badCitations(file, text, contractSections) {
	const problems = [];
	for (const { line, numbers, name } of citations(text)) {
		for (const n of numbers) {
			const section = contractSections.get(n);
			if (!section) problems.push(`${file}:${line}: §${n} is not a section of docs/optimove-api.md`);
			else if (name && numbers.length === 1 && !section.includes(name)) problems.push(`${file}:${line}: §${n} does not mention "${name}"`);
		}
	}
	return problems;
}

const contract = sections(readFileSync(path.join(root, 'docs', 'optimove-api.md'), 'utf8'));

describe('the citation checker itself', () => {
	const toy = sections('# C\n## 1. Hosts\n| Key types | … |\n## 2. Listeners\ntext\n');
	test('reads sections and ranges', () => {
		assert.deepEqual([...toy.keys()], [1, 2]);
		assert.deepEqual(citations('// per contract §1–3, §6 and (docs/optimove-api.md §2–§3)').map((c) => c.numbers), [[1, 2, 3], [6], [2, 3]]);
	});
	test('reports a missing section and a name the section does not carry', () => {
		assert.deepEqual(badCitations('x.mjs', '// contract §1 "Key types"\n// contract §2 "Key types"\n// contract §9', toy), [
			'x.mjs:2: §2 does not mention "Key types"',
			'x.mjs:3: §9 is not a section of docs/optimove-api.md',
		]);
	});
});

describe('contract citations in the code resolve', () => {
	const files = FOLDERS.flatMap((folder) => [...sourceFiles(folder)]);
	const self = path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/');
	const citing = files.filter((file) => file !== self && readFileSync(path.join(root, file), 'utf8').includes('§'));
	test('some files cite the contract (the scan finds them)', () => assert.ok(citing.length >= 5, `only ${citing.length} files cite the contract`));
	for (const file of citing) {
		test(file, () => assert.deepEqual(badCitations(file, readFileSync(path.join(root, file), 'utf8'), contract), []));
	}
});
