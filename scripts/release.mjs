#!/usr/bin/env node
// `npm run release`: tags the version in package.json once the release is ready; the Publish
// workflow (.github/workflows/publish.yml) publishes the pushed tag to npm with provenance.
//   npm run release                  checks, runs `npm test`, makes the annotated tag v<version>
//   npm run release -- --push        … and pushes that tag (only the tag) to origin
//   npm run release -- --remote up   … push to another remote
//   node scripts/release.mjs --check-tag v1.2.3   the workflow's check: tag = version, CHANGELOG
//   node scripts/release.mjs --check-publish      package.json's prepublishOnly: `npm publish` only
//                                                 from the Publish workflow, with --provenance
// Refuses (exit 1, saying what to fix) a dirty tree, a version already tagged, a CHANGELOG without
// the version's section or its compatibility line, and a failing test run.
// RELEASE_TEST_COMMAND replaces `npm test` (this script's own tests use it; a release never should).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { changelogProblem, dirtyTreeProblem, tagFor, tagProblem } from './lib/release-checks.mjs';

const { values: options } = parseArgs({
	options: {
		push: { type: 'boolean', default: false },
		remote: { type: 'string', default: 'origin' },
		'check-tag': { type: 'string' },
		'check-publish': { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h', default: false },
	},
});
if (options.help) {
	console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 12).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
	process.exit(0);
}

function refuse(problem) {
	console.error(`release refused: ${problem}`);
	process.exit(1);
}
const git = (args, cwd) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();

let root;
try {
	root = git(['rev-parse', '--show-toplevel'], process.cwd());
} catch {
	refuse(`${process.cwd()} is not in a git repository`);
}
const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
const tag = tagFor(version);

if (options['check-tag'] !== undefined) {
	const problem = tagProblem(options['check-tag'], version) ?? changelogProblem(changelog, version);
	if (problem) refuse(problem);
	console.log(`ok   ${options['check-tag']} is package.json's version ${version} and CHANGELOG.md has its section`);
	process.exit(0);
}

// A publish from a laptop has no provenance (n8n's scanner rejects the version) and skips the checks above.
if (options['check-publish']) {
	const env = process.env;
	if (env.npm_config_dry_run === 'true') process.exit(0);
	const problem =
		env.GITHUB_ACTIONS !== 'true' || env.npm_config_provenance !== 'true'
			? 'npm publish runs only in the Publish workflow (.github/workflows/publish.yml), with --provenance: make the release with `npm run release -- --push`, which pushes the tag the workflow publishes'
			: (tagProblem(env.GITHUB_REF_NAME ?? '', version) ?? changelogProblem(changelog, version));
	if (problem) refuse(problem);
	process.exit(0);
}

function check(name, problem) {
	if (problem) refuse(problem);
	console.log(`ok   ${name}`);
}
check('working tree is clean', dirtyTreeProblem(git(['status', '--porcelain'], root)));
check(`${tag} is not tagged yet`, git(['tag', '--list', tag], root) ? `${tag} already exists: bump the version in package.json (semver) for a new release` : undefined);
if (options.push) {
	const remoteTag = git(['ls-remote', '--tags', options.remote, `refs/tags/${tag}`], root);
	check(`${tag} is not on ${options.remote} yet`, remoteTag ? `${tag} is already on ${options.remote}: bump the version in package.json (semver)` : undefined);
}
check(`CHANGELOG.md has a section for ${version} with its compatibility`, changelogProblem(changelog, version));

const testCommand = process.env.RELEASE_TEST_COMMAND || 'npm test';
console.log(`\n=== ${testCommand}`);
const tests = spawnSync(testCommand, { cwd: root, shell: true, stdio: 'inherit' });
check(`${testCommand} passed`, tests.status === 0 ? undefined : `${testCommand} failed (exit ${tests.status ?? tests.signal}): fix the failures first`);
check('the test run left the working tree clean', dirtyTreeProblem(git(['status', '--porcelain'], root)));

git(['tag', '--annotate', tag, '--message', `${name} ${version}`], root);
console.log(`\nTagged ${tag} at ${git(['rev-parse', '--short', 'HEAD'], root)}.`);
if (options.push) {
	git(['push', options.remote, `refs/tags/${tag}`], root);
	console.log(`Pushed ${tag} to ${options.remote}: the Publish workflow publishes it to npm with provenance.`);
} else {
	console.log(`Not pushed. When ready: git push ${options.remote} ${tag}  (or npm run release -- --push next time);`);
	console.log('the Publish workflow then tests it again and publishes it to npm with provenance.');
}
