// A node:test reporter that writes only the counts, as JSON: {"passed":N,"failed":N,"skipped":N}.
// Used by scripts/test.mjs and test/e2e/run.mjs next to the spec reporter:
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//     --test-reporter=./scripts/lib/counts-reporter.mjs --test-reporter-destination=counts.json …
// Counts tests, not suites (as node's own summary does); a cancelled test counts as failed.
export default async function* countsReporter(source) {
	const counts = { passed: 0, failed: 0, skipped: 0 };
	for await (const event of source) {
		if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
		if (event.data.details?.type === 'suite') continue;
		if (event.data.skip || event.data.todo) counts.skipped++;
		else if (event.type === 'test:pass') counts.passed++;
		else counts.failed++;
	}
	yield `${JSON.stringify(counts)}\n`;
}
