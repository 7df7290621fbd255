import { CONTEXT_PREFIX, OOTB_EVENT_BY_NAME, PARAMS_OF_EVENT, paramType } from './catalogue';
import type { ParamType } from './catalogue';
import { contextTime, envelopeTime, parseInstant } from '../time';

export const MAX_STRING_LENGTH = 255;
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** What an event is made of before validation, from node parameters or item fields. */
export interface EventInput {
	event: string;
	customer?: unknown;
	visitor?: unknown;
	/** Undefined or empty: now. */
	time?: unknown;
	/** Parameter name → value; names with or without the `ootb_` prefix. */
	params: Record<string, unknown>;
}

export interface OptimoveEvent {
	tenant: number;
	timestamp: string;
	event: string;
	customer?: string;
	visitor?: string;
	context: Record<string, unknown>;
}

/** A validation failure: the message names the event and the field, and what to do. */
export class EventValidationError extends Error {}

function fail(message: string): never {
	throw new EventValidationError(message);
}

function identity(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') fail(`${field} must be text, got ${typeof value}`);
	const text = value.trim();
	if (text.length > MAX_STRING_LENGTH) fail(`${field} is longer than ${MAX_STRING_LENGTH} characters`);
	return text || undefined;
}

/** Converts one value to its parameter type; strings of numbers and booleans are accepted. */
export function coerce(name: string, value: unknown, type: ParamType): unknown {
	if (value === null) return null;
	const bad = (what: string) => fail(`parameter ${name} must be ${what}, got ${JSON.stringify(value)}`);
	if (typeof type === 'object') {
		if (typeof value !== 'string' || !type.oneOf.includes(value)) bad(`one of ${type.oneOf.join(', ')}`);
		return value;
	}
	switch (type) {
		case 'number': {
			const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
			if (!Number.isFinite(number)) bad('a number');
			return number;
		}
		case 'boolean':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			return bad('true or false');
		case 'yesNo':
			if (value === 'Yes' || value === 'No') return value;
			if (typeof value === 'boolean') return value ? 'Yes' : 'No';
			return bad('"Yes" or "No"');
		case 'timestamp': {
			const time = parseInstant(value);
			if (typeof time === 'string') fail(`parameter ${name} ${time}`);
			return contextTime(time);
		}
		case 'date':
			if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) bad('a date YYYY-MM-DD');
			return value;
		default:
			return checkPrimitive(name, value);
	}
}

function checkPrimitive(name: string, value: unknown): unknown {
	if (typeof value === 'string') {
		if (value.length > MAX_STRING_LENGTH) fail(`parameter ${name} is longer than ${MAX_STRING_LENGTH} characters (${value.length})`);
		return value;
	}
	if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
	return fail(`parameter ${name} must be text, a number, a boolean or null, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}

function envelope(input: EventInput, tenant: number, now: number, context: Record<string, unknown>): OptimoveEvent {
	const customer = identity(input.customer, 'Customer ID');
	const visitor = identity(input.visitor, 'Visitor ID');
	if (customer && visitor) fail('give either a Customer ID or a Visitor ID, not both');
	if (!customer && !visitor) fail('a Customer ID or a Visitor ID is required: Optimove rejects events with neither');
	const empty = input.time === undefined || input.time === null || input.time === '';
	const time = parseInstant(empty ? now : input.time);
	if (typeof time === 'string') fail(`Event Time ${time}`);
	return {
		tenant,
		timestamp: envelopeTime(time),
		event: input.event,
		...(customer ? { customer } : { visitor }),
		context,
	};
}

interface CompiledParam {
	/** The name on the wire, with the prefix. */
	wire: string;
	type: ParamType;
}

/** An OOTB event's parameters by every name they may be given as (with or without `ootb_`). */
interface CompiledEvent {
	byName: Map<string, CompiledParam>;
	typeOfWire: Map<string, ParamType>;
	mandatory: string[];
}

const compiledEvents = new Map<string, CompiledEvent>();

function compiled(event: string): CompiledEvent | undefined {
	let entry = compiledEvents.get(event);
	if (!entry) {
		const spec = OOTB_EVENT_BY_NAME.get(event);
		if (!spec) return undefined;
		const byName = new Map<string, CompiledParam>();
		const typeOfWire = new Map<string, ParamType>();
		for (const name of PARAMS_OF_EVENT.get(event) as Set<string>) {
			const param = { wire: CONTEXT_PREFIX + name, type: paramType(name) };
			byName.set(name, param);
			byName.set(param.wire, param);
			typeOfWire.set(param.wire, param.type);
		}
		entry = { byName, typeOfWire, mandatory: spec.mandatory.map((name) => CONTEXT_PREFIX + name) };
		compiledEvents.set(event, entry);
	}
	return entry;
}

/** Builds one OOTB event: known event, primary keys and mandatory parameters present, typed values. */
export function buildOotbEvent(input: EventInput, tenant: number, now: number): OptimoveEvent {
	const spec = compiled(input.event) ?? fail(`unknown OOTB event "${input.event}": use one of ${[...OOTB_EVENT_BY_NAME.keys()].join(', ')}`);
	const context: Record<string, unknown> = {};
	const params = input.params;
	for (const raw of Object.keys(params)) {
		const value = params[raw];
		if (value === undefined || value === '') continue; // not given: one list of parameters may serve several events
		const param = spec.byName.get(raw);
		if (!param) fail(`${input.event} has no parameter ${CONTEXT_PREFIX}${raw.startsWith(CONTEXT_PREFIX) ? raw.slice(CONTEXT_PREFIX.length) : raw}`);
		context[param.wire] = value;
	}
	const missing = spec.mandatory.filter((wire) => context[wire] === undefined || context[wire] === null);
	if (missing.length) fail(`${input.event} requires ${missing.join(', ')}`);
	for (const wire of Object.keys(context)) context[wire] = coerce(wire, context[wire], spec.typeOfWire.get(wire) as ParamType);
	return envelope(input, tenant, now, context);
}

/** Builds one custom event: snake_case names, primitive values, strings of at most 255 characters. */
export function buildCustomEvent(input: EventInput, tenant: number, now: number): OptimoveEvent {
	if (!SNAKE_CASE.test(input.event)) fail(`event key "${input.event}" must be snake_case (lower-case letters, digits, underscores)`);
	// An OOTB name here would skip the checks its catalogue row makes.
	if (OOTB_EVENT_BY_NAME.has(input.event)) fail(`"${input.event}" is an OOTB event: use the Send OOTB Event operation, which checks its parameters`);
	const context: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(input.params)) {
		if (!SNAKE_CASE.test(name)) fail(`parameter name "${name}" must be snake_case`);
		if (value !== undefined) context[name] = checkPrimitive(name, value);
	}
	return envelope(input, tenant, now, context);
}
