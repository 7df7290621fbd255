import { allPages, chunk, pages } from '../../../nodes/shared/transport';

function source(total: number) {
	const calls: Array<[number, number]> = [];
	const fetchPage = async (top: number, skip: number) => {
		calls.push([top, skip]);
		return Array.from({ length: Math.max(0, Math.min(top, total - skip)) }, (_, i) => skip + i);
	};
	return { calls, fetchPage };
}

describe('pages', () => {
	it('stops on a short page', async () => {
		const { calls, fetchPage } = source(25);
		expect(await allPages(fetchPage, { pageSize: 10 })).toEqual(Array.from({ length: 25 }, (_, i) => i));
		expect(calls).toEqual([[10, 0], [10, 10], [10, 20]]);
	});

	it('asks one more page when the total is an exact multiple, and stops on the empty page', async () => {
		const { calls, fetchPage } = source(20);
		expect(await allPages(fetchPage, { pageSize: 10 })).toHaveLength(20);
		expect(calls).toEqual([[10, 0], [10, 10], [10, 20]]);
	});

	it('stops at the limit and asks only what it still needs', async () => {
		const { calls, fetchPage } = source(1000);
		expect(await allPages(fetchPage, { pageSize: 10, limit: 25 })).toHaveLength(25);
		expect(calls).toEqual([[10, 0], [10, 10], [5, 20]]);
	});

	it('yields page by page and handles an empty list', async () => {
		const { fetchPage } = source(0);
		const seen: number[][] = [];
		for await (const page of pages(fetchPage, { pageSize: 10 })) seen.push(page);
		expect(seen).toEqual([]);
	});

	it('treats a non-array answer as the end', async () => {
		const rows = await allPages(async () => null as unknown as number[], { pageSize: 10 });
		expect(rows).toEqual([]);
	});
});

describe('chunk', () => {
	it.each([
		[9_999, 10_000, [9_999]],
		[10_000, 10_000, [10_000]],
		[10_001, 10_000, [10_000, 1]],
		[999, 1_000, [999]],
		[1_001, 1_000, [1_000, 1]],
		[101, 100, [100, 1]],
		[25, 10, [10, 10, 5]],
		[0, 10, []],
	])('%i items in batches of %i', (count, size, sizes) => {
		const items = Array.from({ length: count }, (_, i) => i);
		const batches = chunk(items, size);
		expect(batches.map((b) => b.length)).toEqual(sizes);
		expect(batches.flat()).toEqual(items);
	});

	it('refuses a size that is not a positive integer', () => {
		expect(() => chunk([1], 0)).toThrow(/positive integer/);
	});
});
