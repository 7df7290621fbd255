import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { changelogProblem, changelogSection, dirtyTreeProblem, tagProblem } from '../../scripts/lib/release-checks.mjs';

const RELEASE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/release.mjs');
const temps = [];
after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// A git that ignores the machine's own configuration (signing, hooks, default branch names).
const GIT_ENV = {
	...process.env,
	GIT_CONFIG_GLOBAL: '/dev/null',
	GIT_CONFIG_NOSYSTEM: '1',
	GIT_AUTHOR_NAME: 'Release Test',
	GIT_AUTHOR_EMAIL: 'release@example.test',
	GIT_COMMITTER_NAME: 'Release Test',
	GIT_COMMITTER_EMAIL: 'release@example.test',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const CHANGELOG = (version, body = 'Compatibility: tested with n8n 2.41.1 on Node 24.\n\n### Added\n- Something.\n') =>
	`# Changelog\n\n## [Unreleased]\n\n## [${version}] — 2026-12-01\n\n${body}\n## [1.2.2] — 2026-11-01\n\nCompatibility: n8n 2.40.\n`;

let repo;
let remote;
let marker;
/** A repository at version 1.2.3, ready to release, with a bare `origin`. */
function makeRepo({ version = '1.2.3', changelog = CHANGELOG(version) } = {}) {
	repo = mkdtempSync(path.join(os.tmpdir(), 'release-test-'));
	remote = mkdtempSync(path.join(os.tmpdir(), 'release-remote-'));
	temps.push(repo, remote);
	marker = path.join(remote, 'tests-ran');
	git(remote, 'init', '--quiet', '--bare');
	git(repo, 'init', '--quiet');
	writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'n8n-nodes-example', version }, null, 2));
	writeFileSync(path.join(repo, 'CHANGELOG.md'), changelog);
	git(repo, 'add', '.');
	git(repo, 'commit', '--quiet', '-m', 'release candidate');
	git(repo, 'remote', 'add', 'origin', remote);
}
const testCommand = (code) => `node -e "require('fs').writeFileSync(process.env.MARKER, 'ran'); process.exit(${code})"`;

function release(args = [], { tests = testCommand(0), cwd = repo, env = {} } = {}) {
	const result = spawnSync(process.execPath, [RELEASE, ...args], {
		cwd,
		env: { ...GIT_ENV, GITHUB_ACTIONS: '', GITHUB_REF_NAME: '', npm_config_provenance: '', npm_config_dry_run: '', RELEASE_TEST_COMMAND: tests, MARKER: marker, ...env },
		encoding: 'utf8',
	});
	return { code: result.status, output: result.stdout + result.stderr };
}
const localTags = () => git(repo, 'tag', '--list');
const remoteTags = () => git(remote, 'tag', '--list');

describe('npm run release (scripts/release.mjs)', () => {
	beforeEach(() => makeRepo());

	it('runs the tests, then makes an annotated tag of the version without pushing it', () => {
		const { code, output } = release();
		assert.equal(code, 0, output);
		assert.ok(existsSync(marker), 'the test command ran');
		assert.equal(localTags(), 'v1.2.3');
		assert.equal(git(repo, 'cat-file', '-t', 'v1.2.3'), 'tag');
		assert.equal(git(repo, 'rev-parse', 'v1.2.3^{commit}'), git(repo, 'rev-parse', 'HEAD'));
		assert.equal(remoteTags(), '');
		assert.match(output, /Not pushed\. When ready: git push origin v1\.2\.3/);
	});

	it('pushes the tag, and only the tag, with --push', () => {
		const { code, output } = release(['--push']);
		assert.equal(code, 0, output);
		assert.equal(remoteTags(), 'v1.2.3');
		assert.equal(git(remote, 'branch', '--list'), '', 'no branch was pushed');
	});

	it('refuses a modified tracked file before running the tests', () => {
		writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'n8n-nodes-example', version: '1.2.3', x: 1 }));
		const { code, output } = release();
		assert.equal(code, 1);
		assert.match(output, /release refused: the working tree has 1 uncommitted change\(s\) \(package\.json\): commit or stash them/);
		assert.equal(existsSync(marker), false, 'the tests did not run');
		assert.equal(localTags(), '');
	});

	it('refuses an untracked file', () => {
		writeFileSync(path.join(repo, 'notes.txt'), 'draft');
		const { code, output } = release();
		assert.equal(code, 1);
		assert.match(output, /uncommitted change\(s\) \(notes\.txt\)/);
		assert.equal(localTags(), '');
	});

	it('refuses a version that is already tagged', () => {
		git(repo, 'tag', 'v1.2.3');
		const { code, output } = release();
		assert.equal(code, 1);
		assert.match(output, /release refused: v1\.2\.3 already exists: bump the version in package\.json/);
		assert.equal(existsSync(marker), false);
	});

	it('refuses with --push a version already tagged on the remote only', () => {
		git(repo, 'tag', 'v1.2.3');
		git(repo, 'push', '--quiet', 'origin', 'v1.2.3');
		git(repo, 'tag', '--delete', 'v1.2.3');
		const { code, output } = release(['--push']);
		assert.equal(code, 1);
		assert.match(output, /v1\.2\.3 is already on origin/);
		assert.equal(localTags(), '');
	});

	it('refuses a CHANGELOG without the version\'s section', () => {
		rmSync(repo, { recursive: true, force: true });
		makeRepo({ changelog: '# Changelog\n\n## [Unreleased] — to be released as 1.2.3\n\nCompatibility: n8n 2.41.1.\n' });
		const { code, output } = release();
		assert.equal(code, 1);
		assert.match(output, /CHANGELOG\.md has no section for 1\.2\.3: rename "## \[Unreleased\]" to "## \[1\.2\.3\] — <date>"/);
		assert.equal(existsSync(marker), false);
		assert.equal(localTags(), '');
	});

	it('refuses a version section without a compatibility statement', () => {
		rmSync(repo, { recursive: true, force: true });
		makeRepo({ changelog: CHANGELOG('1.2.3', '### Fixed\n- A bug.\n') });
		const { code, output } = release();
		assert.equal(code, 1);
		assert.match(output, /section for 1\.2\.3 has no "Compatibility:" line/);
	});

	it('refuses when the tests fail, and tags nothing', () => {
		const { code, output } = release([], { tests: testCommand(3) });
		assert.equal(code, 1);
		assert.ok(existsSync(marker), 'the test command ran');
		assert.match(output, /release refused: node -e .* failed \(exit 3\): fix the failures first/);
		assert.equal(localTags(), '');
	});

	it('refuses when the test run changed tracked files', () => {
		const { code, output } = release([], { tests: `node -e "require('fs').appendFileSync('CHANGELOG.md', 'x')"` });
		assert.equal(code, 1);
		assert.match(output, /the working tree has 1 uncommitted change\(s\) \(CHANGELOG\.md\)/);
		assert.equal(localTags(), '');
	});

	it('--check-tag passes the tag of the version and refuses another one (the Publish workflow\'s check)', () => {
		const ok = release(['--check-tag', 'v1.2.3']);
		assert.equal(ok.code, 0, ok.output);
		assert.equal(existsSync(marker), false, '--check-tag runs no tests');
		const wrong = release(['--check-tag', 'v1.2.4']);
		assert.equal(wrong.code, 1);
		assert.match(wrong.output, /tag v1\.2\.4 does not match package\.json's version 1\.2\.3 \(expected v1\.2\.3\)/);
	});

	it('--check-publish (prepublishOnly) lets only the Publish workflow publish, with provenance, the tagged version', () => {
		const workflow = { GITHUB_ACTIONS: 'true', npm_config_provenance: 'true', GITHUB_REF_NAME: 'v1.2.3' };
		assert.equal(release(['--check-publish'], { env: workflow }).code, 0);
		const laptop = release(['--check-publish']);
		assert.equal(laptop.code, 1);
		assert.match(laptop.output, /npm publish runs only in the Publish workflow .* with --provenance: make the release with `npm run release -- --push`/);
		assert.equal(release(['--check-publish'], { env: { ...workflow, npm_config_provenance: '' } }).code, 1);
		const otherTag = release(['--check-publish'], { env: { ...workflow, GITHUB_REF_NAME: 'v1.2.2' } });
		assert.equal(otherTag.code, 1);
		assert.match(otherTag.output, /tag v1\.2\.2 does not match package\.json's version 1\.2\.3/);
		assert.equal(release(['--check-publish'], { env: { npm_config_dry_run: 'true' } }).code, 0, 'npm publish --dry-run stays allowed');
	});
});

describe('release checks (scripts/lib/release-checks.mjs)', () => {
	it('finds a version\'s section up to the next one, and not a longer version with the same start', () => {
		const text = CHANGELOG('1.2.30');
		assert.equal(changelogSection(text, '1.2.3'), undefined);
		assert.match(changelogSection(text, '1.2.30'), /^## \[1\.2\.30\] — 2026-12-01\n[\s\S]*Something\.\n$/);
		assert.doesNotMatch(changelogSection(text, '1.2.30'), /1\.2\.2/);
		assert.match(changelogSection(text, '1.2.2'), /Compatibility: n8n 2\.40\./);
	});

	it('reads a CHANGELOG with Windows line ends', () => {
		assert.equal(changelogProblem(CHANGELOG('2.0.0').replace(/\n/g, '\r\n'), '2.0.0'), undefined);
	});

	it('says what to fix for a tag of another version and for each dirty-tree entry', () => {
		assert.equal(tagProblem('v0.1.0', '0.1.0'), undefined);
		assert.match(tagProblem('0.1.0', '0.1.0'), /expected v0\.1\.0/);
		assert.equal(dirtyTreeProblem(''), undefined);
		assert.match(dirtyTreeProblem(' M a.js\n?? b.js\n'), /2 uncommitted change\(s\) \(a\.js, b\.js\)/);
	});

	it("this repository's CHANGELOG.md: every version section, and the one being prepared, states its compatibility", () => {
		const changelog = readFileSync(path.join(path.dirname(RELEASE), '..', 'CHANGELOG.md'), 'utf8');
		const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+[^\]]*)\]/gm)].map((m) => m[1]);
		for (const version of versions) assert.equal(changelogProblem(changelog, version), undefined);
		assert.match(changelogSection(changelog, 'Unreleased') ?? '', /^Compatibility: n8n \d/m, '[Unreleased] says what it is tested on');
	});
});
