// The counts a test step hands to scripts/test.mjs: {"passed":N,"failed":N,...} written to the file
// named by TEST_COUNTS_FILE (set by scripts/test.mjs; nothing is written without it).
import { writeFileSync } from 'node:fs';

export function reportCounts(counts) {
	if (process.env.TEST_COUNTS_FILE) writeFileSync(process.env.TEST_COUNTS_FILE, `${JSON.stringify(counts)}\n`);
}
