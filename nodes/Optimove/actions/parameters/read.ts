import type { IDataObject, IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';
import type { Plan } from './plan';
import { planFor, readPath } from './plan';

/** How n8n itself reads a parameter for an item: its evaluation, with n8n's values and errors. */
function evaluated(ctx: IExecuteFunctions, path: string, itemIndex: number, fallback: unknown): unknown {
	return ctx.getNodeParameter(path, itemIndex, fallback as NodeParameterValueType) as unknown;
}

/** Plans of `itemParameter`, per execution context (one node run): n8n's getNode() copies the node on every call. */
const plans = new WeakMap<IExecuteFunctions, Map<string, { plan: Plan; constant?: { value: unknown } }>>();

/**
 * `getNodeParameter(name, itemIndex, fallback)` without n8n's evaluation where it is not needed:
 * plain field references are read from the item, and a value that is the same for every item (a
 * fixed value, or an expression such as `{{ $('Optimove Trigger').first().json.clearanceRequiredBy }}`)
 * is evaluated by n8n once per run, for the first item that asks, and reused: exactly what per-item
 * evaluation would give, for one evaluation instead of one per item. A failed evaluation is not
 * kept (the next item evaluates again, as before). The reused value is shared: do not modify it.
 */
export function itemParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, fallback?: unknown): unknown {
	let byName = plans.get(ctx);
	if (!byName) {
		byName = new Map();
		plans.set(ctx, byName);
	}
	let entry = byName.get(name);
	if (!entry) {
		let raw: unknown = ctx.getNode().parameters;
		for (const key of name.split('.')) raw = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
		entry = { plan: planFor(raw) };
		byName.set(name, entry);
	}
	return readPlanned(ctx, entry, name, itemIndex, fallback);
}

function readPlanned(
	ctx: IExecuteFunctions,
	entry: { plan: Plan; constant?: { value: unknown } },
	path: string,
	itemIndex: number,
	fallback: unknown,
): unknown {
	const { plan } = entry;
	if ('path' in plan) {
		const value = readPath(ctx.getInputData()[itemIndex]?.json, plan.path);
		if (value !== undefined) return value;
	} else if ('constant' in plan) {
		entry.constant ??= { value: evaluated(ctx, path, itemIndex, fallback) };
		return entry.constant.value;
	}
	return evaluated(ctx, path, itemIndex, fallback);
}

/**
 * Per-item readers, built once per run, for fields read item after item (the event operations):
 * the same plan as `itemParameter`, decided from the raw value `raw` of the parameter at `path`.
 * `path` may reach into a collection (`additionalParameters.deposit_amount`,
 * `parameters.parameter[0].value`): n8n's getNodeParameter reads the same path.
 */
export type ItemReader = (itemIndex: number) => unknown;

export function itemReader(ctx: IExecuteFunctions, path: string, raw: unknown, fallback: unknown): ItemReader {
	const entry: { plan: Plan; constant?: { value: unknown } } = { plan: planFor(raw) };
	return (itemIndex) => readPlanned(ctx, entry, path, itemIndex, fallback);
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
