import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

/**
 * Per-item parameter values with a fast path for the most common expression, a plain field
 * reference such as `{{ $json.CustomerID }}` or `{{ $json["Customer ID"].id }}`.
 *
 * Why: n8n 2.x evaluates every expression in an isolated engine, about a millisecond each on a
 * small machine, and the defaults of per-item fields (Customer ID, Campaign ID, Request UID…) are
 * such references. Reading the field from the input item gives the same value for a fraction of
 * the cost. Anything else — other variables, operators, text around the braces, a value that is
 * missing or not a primitive — goes through n8n's own evaluation, so behaviour and n8n's errors
 * stay exactly n8n's.
 */

const FIELD_REFERENCE = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\]*"|'[^'\\]*')\s*\])+)\s*\}\}$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\]/g;

/** The field path of a plain `{{ $json… }}` reference, or undefined when the value is anything else. */
export function fieldReferencePath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const match = FIELD_REFERENCE.exec(raw);
	if (!match) return undefined;
	return [...match[1].matchAll(SEGMENT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

type Primitive = string | number | boolean;

/** The primitive at `path` in an item's JSON, or undefined when it is missing or not a primitive. */
export function readPath(json: unknown, path: string[]): Primitive | undefined {
	let value = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

// Per execution context (one node run): n8n's getNode() returns a fresh deep copy on every call.
const pathCache = new WeakMap<IExecuteFunctions, Map<string, string[] | null>>();

function cachedPath(ctx: IExecuteFunctions, name: string): string[] | null {
	let byName = pathCache.get(ctx);
	if (!byName) {
		byName = new Map();
		pathCache.set(ctx, byName);
	}
	let path = byName.get(name);
	if (path === undefined) {
		path = fieldReferencePath(ctx.getNode().parameters[name]) ?? null;
		byName.set(name, path);
	}
	return path;
}

/** `getNodeParameter(name, itemIndex, fallback)`, skipping n8n's evaluation for plain field references. */
export function itemParameter(ctx: IExecuteFunctions, itemIndex: number, name: string, fallback?: unknown): unknown {
	const path = cachedPath(ctx, name);
	if (path) {
		const value = readPath(ctx.getInputData()[itemIndex]?.json, path);
		if (value !== undefined) return value;
	}
	return ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType) as unknown;
}
