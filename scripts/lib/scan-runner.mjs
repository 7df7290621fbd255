// Runs under the Node that runs the scanner (scripts/scan.mjs starts it): imports the scanner's
// own analysis and runs it on each leg.
//   node scan-runner.mjs <scanner.mjs path> '<legs as JSON: [{ name, dir, patterns }]>'
// Prints one line "SCAN_RESULTS <JSON>": per leg { passed, message, details, files } or { error }.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [entry, legsJson] = process.argv.slice(2);
const scanner = await import(pathToFileURL(entry).href);
const glob = createRequire(entry)('fast-glob');
const results = [];
for (const leg of JSON.parse(legsJson)) {
	const patterns = leg.patterns === 'source' ? scanner.SOURCE_FILE_PATTERNS : leg.patterns;
	try {
		const files = glob.sync(patterns, { cwd: leg.dir, ignore: ['node_modules/**', '**/package-lock.json'] }).length;
		const { passed, message, details } = await scanner.analyzePackage(leg.dir, patterns);
		results.push({ passed, message, details, files });
	} catch (error) {
		results.push({ error: error.stack ?? String(error) });
	}
}
console.log(`SCAN_RESULTS ${JSON.stringify(results)}`);
