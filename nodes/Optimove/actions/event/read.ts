import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';
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
