import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { itemParameter } from './read';

// Readers for per-item parameter values (usually expressions over the input item). Each one
// names the item and the field when the value cannot be used, and says what to fix.

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return value.trim() === '' ? 'an empty text' : `"${value}"`;
	return `${typeof value} ${String(value)}`;
}

export function fieldError(ctx: IExecuteFunctions, itemIndex: number, field: string, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${field} ${message}`, { itemIndex });
}

/**
 * An identifier sent as text (customer IDs, request UIDs). Numbers convert to text, as IDs read
 * from spreadsheets often arrive as numbers; objects, lists, booleans and empty values are refused.
 */
export function readText(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): string {
	const value = itemParameter(ctx, itemIndex, name, '');
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	throw fieldError(ctx, itemIndex, field, `must be a non-empty text or a number, got ${describe(value)}`);
}

/** A positive integer ID (campaign, channel, template): a number or a text of digits. */
export function readInteger(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): number {
	const value = itemParameter(ctx, itemIndex, name, '');
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
	if (Number.isInteger(number) && number > 0) return number;
	if (value === '' || value === undefined || value === null) throw fieldError(ctx, itemIndex, field, 'is required');
	throw fieldError(ctx, itemIndex, field, `must be a positive whole number, got ${describe(value)}`);
}

/** A yes/no flag: a boolean, or the text "true"/"false" (any case). Anything else is refused. */
export function readBoolean(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): boolean {
	const value = itemParameter(ctx, itemIndex, name, undefined);
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
	throw fieldError(ctx, itemIndex, field, `must be true or false, got ${describe(value)}`);
}

/** A JSON object given as an object or as JSON text; empty means `{}`. */
export function readObject(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string, fallback: unknown = ''): IDataObject {
	let value = itemParameter(ctx, itemIndex, name, fallback);
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			value = JSON.parse(value);
		} catch {
			throw fieldError(ctx, itemIndex, field, 'is not valid JSON: write an object such as {"key": "value"}');
		}
	}
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	throw fieldError(ctx, itemIndex, field, `must be a JSON object, got ${describe(value)}`);
}

/** A list of names from a multi-select or an expression giving a list or a `;`/`,`-separated text. */
export function readNameList(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): string[] {
	const value = itemParameter(ctx, itemIndex, name, []);
	const list = typeof value === 'string' ? value.split(/[;,]/) : Array.isArray(value) ? value : null;
	if (!list) throw fieldError(ctx, itemIndex, field, `must be a list of names, got ${describe(value)}`);
	return list.map((entry) => {
		if (typeof entry !== 'string') throw fieldError(ctx, itemIndex, field, `must list names as text, got ${describe(entry)}`);
		return entry.trim();
	}).filter((entry) => entry !== '');
}

/** A number, or a text holding one (values from spreadsheets). */
export function readNumber(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): number {
	const value = itemParameter(ctx, itemIndex, name, '');
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (Number.isFinite(number)) return number;
	throw fieldError(ctx, itemIndex, field, `must be a number, got ${describe(value)}`);
}
