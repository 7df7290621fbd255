// n8n's verification scanner (@n8n/scan-community-package), installed once into the shared cache
// and run on local folders. The scanner's CLI only scans a published package (provenance, then the
// attested source, then the npm tarball); its `analyzePackage(dir, patterns)` export is the ESLint
// analysis both of those legs run, so calling it on our packed tarball and our source is the same
// check n8n makes after publishing. Plain Node, no dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SCANNER_PACKAGE = '@n8n/scan-community-package';
/** The pinned scanner; N8N_SCANNER_VERSION=latest (or a version) tries another one. */
export const SCANNER_VERSION = process.env.N8N_SCANNER_VERSION || '0.32.0';

/**
 * The legs of a scan, as n8n runs them (scanner.mjs analyzePackageByName, 0.32.0): the source at
 * the attested commit with its SOURCE_FILE_PATTERNS, and the npm tarball's compiled JavaScript and
 * package.json. `patterns: 'source'` means "the scanner's own SOURCE_FILE_PATTERNS".
 */
export const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
export const SOURCE_PATTERNS = 'source';

export function cacheDir(env = process.env) {
	return env.OPTIMOVE_N8N_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-optimove');
}

function exactVersion(version, npmEnv) {
	if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) return version;
	const found = JSON.parse(execFileSync('npm', ['view', `${SCANNER_PACKAGE}@${version}`, 'version', '--json'], { encoding: 'utf8', env: npmEnv }));
	return [found].flat().pop();
}

/**
 * Installs the scanner into `<cache>/scan-community-package-<version>` once (into a temporary
 * sibling, then renamed, so a concurrent or interrupted install never leaves a half folder in
 * place) → `{ entry, version }`: the path of its scanner.mjs and the exact version. `node24Bin` goes first on npm's PATH.
 */
export function ensureScanner({ version = SCANNER_VERSION, node24Bin, log = () => {} } = {}) {
	const npmEnv = node24Bin ? { ...process.env, PATH: `${node24Bin}${path.delimiter}${process.env.PATH}` } : process.env;
	const exact = exactVersion(version, npmEnv);
	const cache = cacheDir();
	const target = path.join(cache, `scan-community-package-${exact}`);
	const entry = path.join(target, 'node_modules', ...SCANNER_PACKAGE.split('/'), 'scanner', 'scanner.mjs');
	if (existsSync(path.join(target, '.complete'))) return { entry, version: exact };
	mkdirSync(cache, { recursive: true });
	const staging = mkdtempSync(`${target}.installing-`);
	try {
		log(`installing ${SCANNER_PACKAGE}@${exact} into ${target}`);
		writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'n8n-scanner-runtime', private: true }));
		// --ignore-scripts: nothing the ESLint analysis needs has an install script.
		execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `${SCANNER_PACKAGE}@${exact}`], {
			cwd: staging,
			env: npmEnv,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		writeFileSync(path.join(staging, '.complete'), `${exact}\n`);
		try {
			renameSync(staging, target);
		} catch (error) {
			// Another process finished the same install first: keep theirs.
			if (!existsSync(path.join(target, '.complete'))) throw error;
		}
	} finally {
		rmSync(staging, { recursive: true, force: true });
	}
	return { entry, version: exact };
}

/**
 * What each leg's outcome means → `{ name, ok, detail }`. A leg that `expect`s a pass must pass; the
 * canary (a copy with a seeded violation) must fail on the rule it seeds, or the scanner is not
 * looking at what we think it is (no files matched, rule renamed, config not applied).
 */
export function judgeLeg(leg, result) {
	if (result.error) return { name: leg.name, ok: false, detail: result.error };
	if (leg.expect === 'pass') {
		if (result.passed && result.message === 'No files found to analyze') {
			return { name: leg.name, ok: false, detail: `no files matched ${JSON.stringify(leg.patterns)} in ${leg.dir}` };
		}
		return result.passed
			? { name: leg.name, ok: true, detail: `${result.files} files` }
			: { name: leg.name, ok: false, detail: `${result.message}\n${result.details ?? ''}`.trim() };
	}
	if (result.passed) return { name: leg.name, ok: false, detail: `the scanner found nothing in a copy seeded with ${leg.seeded}` };
	if (!String(result.details ?? '').includes(leg.rule)) {
		return { name: leg.name, ok: false, detail: `the scanner failed without naming ${leg.rule}: ${result.message}\n${result.details ?? ''}`.trim() };
	}
	return { name: leg.name, ok: true, detail: `${leg.rule} reported` };
}
