export interface PageOptions {
	/** Rows asked per call ($top). */
	pageSize: number;
	/** Stop after this many rows in total; undefined reads everything. */
	limit?: number;
}

/**
 * Reads an Optimove `$top`/`$skip` list page by page. Stops on a short (or empty) page, or once
 * `limit` rows were yielded. The last page is trimmed to the limit.
 */
export async function* pages<T>(
	fetchPage: (top: number, skip: number) => Promise<T[]>,
	{ pageSize, limit }: PageOptions,
): AsyncGenerator<T[]> {
	let skip = 0;
	for (;;) {
		const remaining = limit === undefined ? pageSize : Math.min(pageSize, limit - skip);
		if (remaining <= 0) return;
		const rows = await fetchPage(remaining, skip);
		const page = Array.isArray(rows) ? rows : [];
		if (page.length > 0) yield page.slice(0, remaining);
		skip += page.length;
		if (page.length < remaining) return;
	}
}

export async function allPages<T>(
	fetchPage: (top: number, skip: number) => Promise<T[]>,
	options: PageOptions,
): Promise<T[]> {
	const rows: T[] = [];
	for await (const page of pages(fetchPage, options)) rows.push(...page);
	return rows;
}
