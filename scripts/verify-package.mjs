#!/usr/bin/env node
// Loads the built package the way n8n does and checks what n8n's loader and the verification
// scanner rely on. Prints one line per check and a closing "N passed, N failed" line.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportCounts } from './lib/counts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
let passed = 0;
let failed = 0;
function check(name, fn) {
	try {
		const detail = fn();
		passed++;
		console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
	} catch (error) {
		failed++;
		console.log(`FAIL ${name}: ${error.message}`);
	}
}
function assert(condition, message) {
	if (!condition) throw new Error(message);
}

check('no runtime dependencies', () => assert(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, JSON.stringify(pkg.dependencies)));
check('n8n-workflow is the only peer dependency', () =>
	assert(JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }), JSON.stringify(pkg.peerDependencies)));
check('keyword n8n-community-node-package', () => assert(pkg.keywords.includes('n8n-community-node-package'), 'missing'));
check('n8nNodesApiVersion is 1', () => assert(pkg.n8n.n8nNodesApiVersion === 1, String(pkg.n8n.n8nNodesApiVersion)));

const credentialNames = new Set();
const iconFiles = [];
function checkIcon(file, icon) {
	const icons = typeof icon === 'string' ? [icon] : Object.values(icon ?? {});
	assert(icons.length > 0, 'no icon');
	for (const value of icons) {
		assert(value.startsWith('file:'), `icon ${value} must use file:`);
		const resolved = path.resolve(path.dirname(file), value.slice('file:'.length));
		assert(existsSync(resolved), `icon file missing: ${path.relative(root, resolved)}`);
		iconFiles.push(path.relative(root, resolved));
	}
	if (typeof icon === 'object') assert(icon.light !== icon.dark, 'light and dark icons must differ');
}
function loadClass(relative) {
	assert(relative.startsWith('dist/'), `${relative} is not under dist/`);
	const file = path.join(root, relative);
	assert(existsSync(file), `${relative} does not exist (build first)`);
	const className = path.basename(relative).split('.')[0];
	const exported = require(file)[className];
	assert(typeof exported === 'function', `${relative} does not export class ${className}`);
	return { file, instance: new exported(), className };
}

for (const relative of pkg.n8n.credentials) {
	check(`credential ${relative} loads`, () => {
		const { file, instance, className } = loadClass(relative);
		assert(instance.name && className.toLowerCase() === instance.name.toLowerCase(), `name ${instance.name} ≠ class ${className}`);
		assert(instance.name.endsWith('Api'), 'credential name must end with Api');
		assert(instance.test, 'credential has no test request');
		assert(/^https?:\/\//.test(instance.documentationUrl), 'documentationUrl must be an http URL');
		checkIcon(file, instance.icon);
		credentialNames.add(instance.name);
		return instance.name;
	});
}
// The categories n8n's own nodes use in their codex files (n8n-nodes-base 2.41.1): a node filed under
// any other name is not found where users browse (the panel has "Marketing", not "Marketing & Content").
const EDITOR_CATEGORIES = new Set([
	'AI', 'Analytics', 'Communication', 'Core Nodes', 'Data & Storage', 'Development', 'Finance & Accounting',
	'HITL', 'Marketing', 'Miscellaneous', 'Productivity', 'Sales', 'Utility',
]);

for (const relative of pkg.n8n.nodes) {
	check(`node ${relative} loads`, () => {
		const { file, instance, className } = loadClass(relative);
		const description = instance.description;
		assert(className.toLowerCase() === description.name.toLowerCase(), `name ${description.name} ≠ class ${className}`);
		checkIcon(file, description.icon);
		const codexFile = file.replace(/\.js$/, '.json');
		assert(existsSync(codexFile), `codex ${path.basename(codexFile)} missing`);
		const codex = JSON.parse(readFileSync(codexFile, 'utf8'));
		assert(codex.node === `${pkg.name}.${description.name}`, `codex node ${codex.node}`);
		const unknown = (codex.categories ?? []).filter((category) => !EDITOR_CATEGORIES.has(category));
		assert(codex.categories?.length && unknown.length === 0, `codex categories ${JSON.stringify(unknown)} are not categories of n8n's node panel`);
		for (const credential of description.credentials ?? []) {
			assert(credentialNames.has(credential.name), `references credential ${credential.name} not shipped in the package`);
		}
		const isTrigger = description.group.includes('trigger');
		if (isTrigger) {
			assert(description.inputs.length === 0, 'a trigger has no inputs');
			assert(!description.usableAsTool, 'a trigger is never usableAsTool');
			const methods = instance.webhookMethods?.default ?? {};
			for (const m of ['checkExists', 'create', 'delete']) assert(typeof methods[m] === 'function', `webhookMethods.default.${m} missing`);
		} else {
			assert(description.usableAsTool, 'action node should be usableAsTool');
		}
		return `${pkg.name}.${description.name}${isTrigger ? ', trigger' : ''}`;
	});
}
check("docs/events.md's Events section matches the built catalogue", () => {
	execFileSync(process.execPath, [path.join(root, 'scripts', 'events-table.mjs'), '--check'], { stdio: 'pipe' });
});
/** Resource display name → its operations' display names, as the built action node offers them. */
function offeredOperations() {
	const { instance } = loadClass(pkg.n8n.nodes.find((n) => n.endsWith('/Optimove.node.js')));
	const { properties } = instance.description;
	const resources = properties.find((p) => p.name === 'resource').options;
	return resources.map((resource) => {
		const selector = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource.value));
		assert(selector, `resource ${resource.value} has no operation selector`);
		return { resource: resource.name, operations: selector.options.map((o) => o.name) };
	});
}
const docText = (file) => readFileSync(path.join(root, file), 'utf8');
check("README's operations table lists every resource and operation", () => {
	const readme = docText('README.md');
	const missing = [];
	let count = 0;
	for (const { resource, operations } of offeredOperations()) {
		const row = readme.split('\n').find((line) => line.startsWith(`| ${resource} |`));
		for (const operation of operations) {
			count++;
			if (!row?.includes(`**${operation}**`)) missing.push(`${resource} → ${operation}`);
		}
	}
	assert(missing.length === 0, `missing: ${missing.join(', ')}`);
	return `${count} operations`;
});
check('docs/action-node.md has a section per resource naming each of its operations', () => {
	const sections = docText('docs/action-node.md').split(/^## /m).slice(1);
	const missing = [];
	for (const { resource, operations } of offeredOperations()) {
		const section = sections.find((s) => s.startsWith(`${resource}\n`) || s.startsWith(`${resource} (`));
		if (!section) missing.push(`section ${resource}`);
		else for (const operation of operations) if (!section.includes(operation)) missing.push(`${resource} → ${operation}`);
	}
	assert(missing.length === 0, `missing: ${missing.join(', ')}`);
});
check('npm pack ships every loaded file and no tests', () => {
	const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
	const files = new Set(packed.files.map((f) => f.path));
	const wanted = [...pkg.n8n.nodes, ...pkg.n8n.credentials, ...iconFiles, ...pkg.n8n.nodes.map((n) => n.replace(/\.js$/, '.json'))];
	const missing = wanted.filter((f) => !files.has(f));
	assert(missing.length === 0, `missing from the tarball: ${missing.join(', ')}`);
	const stray = [...files].filter((f) => /(^|\/)(test|__tests__)\/|\.test\.|\.spec\./.test(f));
	assert(stray.length === 0, `tests in the tarball: ${stray.join(', ')}`);
	return `${files.size} files, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked`;
});

console.log(`Package check: ${passed} passed, ${failed} failed`);
reportCounts({ passed, failed });
process.exit(failed ? 1 : 0);
