// How an operation turns its input items into output items: one at a time (perItem) or in batches
// (inBatches, writeInBatches, sendAsBatchesFill); every input item ends as exactly one paired output
// or error item.

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { OptimoveRequest } from '../../shared/transport';
import { chunk, optimoveRequest } from '../../shared/transport';

/** An error item paired to the input it came from, as continueOnFail asks. */
export function errorItem(error: Error, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const description = (error as { description?: unknown }).description;
	return {
		json: {
			error: error.message,
			...(typeof description === 'string' && description ? { errorDescription: description } : {}),
			...extra,
		},
		pairedItem: { item: itemIndex },
	};
}

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

/**
 * Runs `handle` for every item. A failure becomes an error item with continueOnFail, otherwise
 * it stops the node with the item's index in the error.
 */
export async function perItem(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	handle: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await handle(i);
			for (const json of Array.isArray(result) ? result : [result]) out.push({ json, pairedItem: { item: i } });
		} catch (error) {
			if (!ctx.continueOnFail()) throw asNodeError(ctx, error as Error, i);
			out.push(errorItem(error as Error, i));
		}
	}
	return out;
}

/** An input item turned into a request entry, or the reason it cannot be sent. */
export type Prepared<T> = { itemIndex: number; entry: T } | { itemIndex: number; error: Error };

export interface BatchResult {
	/** JSON for every item of the batch once Optimove accepted it. */
	sent: (itemIndex: number, batchNumber: number) => IDataObject;
}

export interface BatchOptions<T> {
	/** Entries with different keys never share a batch (e.g. one campaign or channel per call). */
	groupBy?: (entry: T) => string | number;
	/** Batches in flight at once (default 1: one after another). Outputs keep the input order. */
	concurrency?: number;
}

/** Consecutive batches of at most `size`, per group in the order groups first appear. */
function batchesOf<T>(valid: T[], size: number, groupOf?: (entry: T) => string | number): T[][] {
	if (!groupOf) return chunk(valid, size);
	const groups = new Map<string | number, T[]>();
	for (const entry of valid) {
		const key = groupOf(entry);
		const group = groups.get(key);
		if (group) group.push(entry);
		else groups.set(key, [entry]);
	}
	return [...groups.values()].flatMap((group) => chunk(group, size));
}

/**
 * Sends prepared entries in batches of `size`. Every input item ends as exactly one output item:
 * sent (paired), invalid (error item) or in a failed batch (error item for each item it covered).
 * Without continueOnFail the first invalid item or failed batch stops the node — after the
 * batches before it were sent, which the error says.
 */
export async function inBatches<T>(
	ctx: IExecuteFunctions,
	prepared: Prepared<T>[],
	size: number,
	send: (entries: T[], itemIndexes: number[], batchNumber: number) => Promise<BatchResult>,
	options: BatchOptions<T> = {},
): Promise<INodeExecutionData[]> {
	const byItem = new Map<number, INodeExecutionData>();
	const valid: { itemIndex: number; entry: T }[] = [];
	for (const p of prepared) {
		if ('error' in p) {
			if (!ctx.continueOnFail()) throw asNodeError(ctx, p.error, p.itemIndex);
			byItem.set(p.itemIndex, errorItem(p.error, p.itemIndex));
		} else valid.push(p);
	}
	const groupOf = options.groupBy;
	const batches = batchesOf(valid, size, groupOf ? (p) => groupOf(p.entry) : undefined);
	let next = 0;
	let accepted = 0;
	const failures: Array<{ error: Error; b: number }> = [];
	// Workers take batches in order; without continueOnFail the first failure stops new batches
	// from starting, and the ones already in flight finish before the node stops.
	const worker = async () => {
		while (next < batches.length && failures.length === 0) {
			const b = next++;
			const batch = batches[b];
			const indexes = batch.map((p) => p.itemIndex);
			try {
				const result = await send(
					batch.map((p) => p.entry),
					indexes,
					b + 1,
				);
				for (const i of indexes) byItem.set(i, { json: result.sent(i, b + 1), pairedItem: { item: i } });
				accepted += batch.length;
			} catch (error) {
				if (!ctx.continueOnFail()) {
					failures.push({ error: error as Error, b });
					return;
				}
				for (const i of indexes) byItem.set(i, errorItem(error as Error, i, { batch: b + 1 }));
			}
		}
	};
	const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, batches.length));
	await Promise.all(Array.from({ length: concurrency }, worker));
	if (failures.length > 0) {
		const { b } = failures[0];
		const indexes = batches[b].map((p) => p.itemIndex);
		const error = asNodeError(ctx, failures[0].error, indexes[0]);
		(error as NodeOperationError).description = [
			(error as NodeOperationError).description,
			`Batch ${b + 1} of ${batches.length} (items ${indexes[0]}–${indexes[indexes.length - 1]}) failed; ${accepted} item(s) in ${concurrency > 1 ? 'other' : 'earlier'} batches were accepted by Optimove.`,
		]
			.filter(Boolean)
			.join(' ');
		throw error;
	}
	return [...byItem.keys()].sort((a, b) => a - b).map((i) => byItem.get(i) as INodeExecutionData);
}

/** A write whose batches leave as they fill (see sendAsBatchesFill). */
export interface StreamedWrite<T> {
	size: number;
	/** The entry of one input item; throws when the item cannot be sent. */
	read: (itemIndex: number) => T;
	/** Entries with different keys never share a batch (e.g. one campaign per call). */
	groupBy?: (entry: T) => string | number;
	/** Sends one batch; throws when it was not accepted. */
	send: (entries: T[], itemIndexes: number[]) => Promise<void>;
	/** The output item of an entry once Optimove accepted its batch. */
	output: (entry: T, batchNumber: number) => IDataObject;
}

/**
 * Reads the items in order and sends each batch as soon as it is full, so the first calls leave
 * while later items are still being read (reading a million items takes seconds, minutes when each
 * evaluates an expression); the partial batches go at the end, groups in the order they first
 * appeared. Every input item ends as exactly one output item, in input order: sent (paired),
 * invalid (error item) or in a failed batch (error item for each item it covered). Without
 * continueOnFail the first invalid item or failed batch stops the node: the batches before it were
 * sent, nothing after it was, and the error says how many of each.
 */
export async function sendAsBatchesFill<T>(ctx: IExecuteFunctions, itemCount: number, write: StreamedWrite<T>): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = new Array(itemCount);
	const open = new Map<string | number, Array<{ itemIndex: number; entry: T }>>();
	let sentBatches = 0;
	let accepted = 0;
	const tally = () => `${accepted} item(s) in earlier batches were accepted by Optimove; the other ${itemCount - accepted} were not sent.`;

	const flush = async (batch: Array<{ itemIndex: number; entry: T }>, totalBatches?: number) => {
		const number = ++sentBatches;
		const indexes = batch.map((p) => p.itemIndex);
		try {
			await write.send(
				batch.map((p) => p.entry),
				indexes,
			);
		} catch (error) {
			if (!ctx.continueOnFail()) {
				const failure = asNodeError(ctx, error as Error, indexes[0]) as NodeOperationError;
				const of = totalBatches === undefined ? '' : ` of ${totalBatches}`;
				failure.description = [failure.description, `Batch ${number}${of} (items ${indexes[0]}–${indexes[indexes.length - 1]}) failed; ${tally()}`]
					.filter(Boolean)
					.join(' ');
				throw failure;
			}
			for (const i of indexes) out[i] = errorItem(error as Error, i, { batch: number });
			return;
		}
		for (const p of batch) out[p.itemIndex] = { json: write.output(p.entry, number), pairedItem: { item: p.itemIndex } };
		accepted += batch.length;
	};

	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let entry: T;
		try {
			entry = write.read(itemIndex);
		} catch (error) {
			if (!ctx.continueOnFail()) {
				const failure = asNodeError(ctx, error as Error, itemIndex) as NodeOperationError;
				if (accepted > 0) failure.description = [failure.description, `Item ${itemIndex} stopped the node; ${tally()}`].filter(Boolean).join(' ');
				throw failure;
			}
			out[itemIndex] = errorItem(error as Error, itemIndex);
			continue;
		}
		const key = write.groupBy ? write.groupBy(entry) : '';
		const batch = open.get(key) ?? [];
		batch.push({ itemIndex, entry });
		if (batch.length < write.size) open.set(key, batch);
		else {
			open.set(key, []); // keeps the group's place: partial batches go in first-appearance order
			await flush(batch);
		}
	}
	const rest = [...open.values()].filter((batch) => batch.length > 0);
	const totalBatches = sentBatches + rest.length;
	for (const batch of rest) await flush(batch, totalBatches);
	return out;
}

/** Turns every input item into a request entry, or keeps the reason it cannot become one. */
export function prepareItems<T>(items: INodeExecutionData[], build: (itemIndex: number) => T): Prepared<T>[] {
	return items.map((_, itemIndex) => {
		try {
			return { itemIndex, entry: build(itemIndex) };
		} catch (error) {
			return { itemIndex, error: error as Error };
		}
	});
}

/** A write built from input items: one entry per item, sent in batches of `size`. */
export interface BatchedWrite<T> {
	size: number;
	read: (itemIndex: number) => T;
	/** The call for one batch (route, query, body, …). */
	request: (entries: T[]) => Omit<OptimoveRequest, 'itemIndex'>;
	/** The output item of an entry once Optimove accepted its batch (`response`: its answer's body). */
	output: (entry: T, response: unknown) => IDataObject;
	groupBy?: (entry: T) => string | number;
}

/** Reads, batches and sends a write; every input item ends as one paired output or error item. */
export async function writeInBatches<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	write: BatchedWrite<T>,
): Promise<INodeExecutionData[]> {
	const prepared = prepareItems(items, write.read);
	const entryOf = new Map<number, T>();
	for (const p of prepared) if ('entry' in p) entryOf.set(p.itemIndex, p.entry);
	return inBatches(
		ctx,
		prepared,
		write.size,
		async (entries, itemIndexes) => {
			const { body } = await optimoveRequest.call(ctx, { ...write.request(entries), itemIndex: itemIndexes[0] });
			return { sent: (itemIndex, batch) => ({ ...write.output(entryOf.get(itemIndex) as T, body), batch }) };
		},
		{ groupBy: write.groupBy },
	);
}
