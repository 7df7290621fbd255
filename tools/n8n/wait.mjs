/**
 * Polls `check` until it returns a truthy value (→ that value) or `timeoutMs` passes. An error thrown
 * by `check` counts as "not yet" unless it carries `fatal: true`; the last one is named on timeout.
 */
export async function waitFor(check, { timeoutMs, what, intervalMs = 250 }) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			if (error.fatal) throw error;
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
