// What a release needs before its tag is made (scripts/release.mjs) and before a tag is published
// (.github/workflows/publish.yml): each check returns a sentence saying what to fix, or nothing.
// Plain Node, no dependencies.

/** `v<version>`: the tag the Publish workflow publishes. */
export const tagFor = (version) => `v${version}`;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text of CHANGELOG.md's section for `version` (heading `## [<version>]`, then anything, e.g.
 * ` — 2026-12-01`), up to the next `## ` heading; undefined when there is none.
 */
export function changelogSection(changelog, version) {
	const lines = changelog.split(/\r?\n/);
	const heading = new RegExp(`^## \\[${escape(version)}\\](?:\\s|$)`);
	const start = lines.findIndex((line) => heading.test(line));
	if (start === -1) return undefined;
	const next = lines.findIndex((line, i) => i > start && /^## /.test(line));
	return lines.slice(start, next === -1 ? undefined : next).join('\n');
}

/** Problems with CHANGELOG.md for releasing `version`: its own section with a compatibility statement. */
export function changelogProblem(changelog, version) {
	const section = changelogSection(changelog, version);
	if (section === undefined) {
		return `CHANGELOG.md has no section for ${version}: rename "## [Unreleased]" to "## [${version}] — <date>" (Keep a Changelog) and list the changes`;
	}
	if (!/^Compatibility:/m.test(section)) {
		return `CHANGELOG.md's section for ${version} has no "Compatibility:" line: name the n8n versions and Node it was tested on`;
	}
	return undefined;
}

/** The tag being published must be `v` + package.json's version. */
export function tagProblem(tag, version) {
	if (tag === tagFor(version)) return undefined;
	return `tag ${tag} does not match package.json's version ${version} (expected ${tagFor(version)}): bump the version or tag the right commit`;
}

/** `git status --porcelain` output → a problem when anything is modified, staged or untracked. */
export function dirtyTreeProblem(porcelain) {
	const changed = porcelain.split('\n').filter(Boolean);
	if (!changed.length) return undefined;
	const shown = changed.slice(0, 5).map((line) => line.slice(3)).join(', ');
	return `the working tree has ${changed.length} uncommitted change(s) (${shown}${changed.length > 5 ? ', …' : ''}): commit or stash them, a release is made from a commit`;
}
