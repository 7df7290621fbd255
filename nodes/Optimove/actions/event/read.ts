import type { IDataObject, IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';
import { fieldReferencePath, readPath } from '../itemParameter';

/**
 * Per-item readers for the event operations' fields, built once per run. Each field is read the
 * cheapest way that gives n8n's own value:
 * - not an expression (a fixed text, number, option): read once, the same for every item;
 * - a plain field reference such as `{{ $json.customer }}`: read from the input item (n8n 2.x
 *   evaluates each expression in an isolated engine, about 1 ms each; 5 fields × 100 000 events
 *   would be minutes);
 * - anything else, or a referenced value that is missing or not a primitive: n8n evaluates it.
 * `path` may reach into a collection (`additionalParameters.deposit_amount`,
 * `parameters.parameter[0].value`): n8n's getNodeParameter reads the same path.
 */
export type ItemReader = (itemIndex: number) => unknown;

export function itemReader(ctx: IExecuteFunctions, path: string, raw: unknown, fallback: unknown): ItemReader {
	const evaluate: ItemReader = (itemIndex) => ctx.getNodeParameter(path, itemIndex, fallback as NodeParameterValueType) as unknown;
	if (typeof raw === 'string' && raw.startsWith('=')) {
		const fields = fieldReferencePath(raw);
		if (!fields) return evaluate;
		const items = ctx.getInputData();
		return (itemIndex) => readPath(items[itemIndex]?.json, fields) ?? evaluate(itemIndex);
	}
	if (raw === undefined || (raw !== null && typeof raw === 'object')) return evaluate; // defaults, nested expressions: n8n decides
	let constant: { value: unknown } | undefined;
	return (itemIndex) => (constant ??= { value: evaluate(itemIndex) }).value;
}

/** The readers of a collection's options (`name.option` for each option set on the node). */
export function collectionReaders(ctx: IExecuteFunctions, name: string): Map<string, ItemReader> | undefined {
	const raw = ctx.getNode().parameters[name];
	if (raw === undefined) return new Map();
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
	const readers = new Map<string, ItemReader>();
	for (const [option, value] of Object.entries(raw)) {
		if (!/^[A-Za-z_$][\w$]*$/.test(option)) return undefined; // not a plain path segment: read the whole collection
		readers.set(option, itemReader(ctx, `${name}.${option}`, value, ''));
	}
	return readers;
}

/** A top-level field's reader. */
export function fieldReader(ctx: IExecuteFunctions, name: string, fallback: unknown): ItemReader {
	return itemReader(ctx, name, ctx.getNode().parameters[name], fallback);
}

/**
 * Name/value pairs of a fixedCollection `name` (option `parameter`): a reader per pair's name and
 * value, or n8n's reading of the whole list when it is not a plain list.
 */
export function pairsReader(ctx: IExecuteFunctions, name: string): (itemIndex: number) => Record<string, unknown> {
	const collection = ctx.getNode().parameters[name];
	const raw = collection === undefined ? [] : collection !== null && typeof collection === 'object' ? ((collection as IDataObject).parameter ?? []) : undefined;
	if (Array.isArray(raw)) {
		const pairs = (raw as IDataObject[]).map((pair, i) => {
			const path = `${name}.parameter[${i}]`;
			return [itemReader(ctx, `${path}.name`, pair?.name, ''), itemReader(ctx, `${path}.value`, pair?.value, '')] as const;
		});
		return (itemIndex) => Object.fromEntries(pairs.map(([pairName, value]) => [String(pairName(itemIndex)), value(itemIndex)]));
	}
	return (itemIndex) =>
		Object.fromEntries((((ctx.getNodeParameter(name, itemIndex, {}) as IDataObject).parameter ?? []) as IDataObject[]).map((p) => [String(p.name), p.value]));
}
