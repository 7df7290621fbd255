// The one fast path for per-item parameter values: how a raw parameter is read for every item.
// A plain field reference such as `{{ $json.CustomerID }}` or `{{ $json["Customer ID"].id }}` is
// read from the input item; a value that is the same for every item of a run is evaluated once.
//
// Why: n8n 2.x evaluates every expression in an isolated engine, about a millisecond each on a
// small machine, and the defaults of per-item fields (Customer ID, Campaign ID, Request UID…) are
// such references. Reading the field from the input item gives the same value for a fraction of
// the cost. Anything else — other variables, operators, text around the braces, a value that is
// missing or not a primitive — goes through n8n's own evaluation, so behaviour and n8n's errors
// stay exactly n8n's.

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

/**
 * The `$` uses whose value is the same for every item of a run (n8n resolves them from the run,
 * never from the item being evaluated), each only in the form listed: `$('Node').first()` is the
 * trigger's first item for every item, `$('Node').item` is the item paired with this one.
 */
const RUN_CONSTANT_USES: RegExp[] = [
	/\$\(\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")?\s*\)\s*\??\.\s*(?:first|last|all|isExecuted|params)(?![\w$])/y,
	/\$input\s*\??\.\s*(?:first|last|all|params)(?![\w$])/y,
	/\$execution\s*\??\.\s*(?:id|mode)(?![\w$])/y,
	/\$(?:vars|workflow|runIndex|mode|prevNode)(?![\w$])/y,
	/\$(?:if|ifEmpty|not|min|max|average|jmespath|jmesPath)\s*\(/y,
];

/**
 * Words after which the value may differ from item to item even without an item variable: the
 * clock and chance (`$now`, `Date.now()`, `new Date()`, `DateTime.local()`, `Math.random()`, date
 * helpers relative to now), and ways around the names checked above (`this`, escapes, eval…).
 */
const MAY_VARY: RegExp[] = [
	/\b(?:now|today|random\w*|isInLast|diffToNow|this|globalThis|global|self|window|eval|Function|constructor|__proto__|prototype|arguments|Reflect)\b/,
	/\b(?:Date|local|utc)\s*\(\s*\)/,
	/\bnew\s+Date\b(?!\s*\(\s*[^\s)])/,
	/\\u/,
];

/**
 * Whether an n8n expression (without its leading `=`) gives the same value for every item of a
 * run. Deliberately simple and strict: every `$` in the text — code or not — must begin one of
 * the uses above, and none of the words that may vary appears anywhere. `$json`, `$item`,
 * `$itemIndex`, `$input.item`, `$binary`, `$parameter`, `$node`, `$('Node').item`, template
 * literals (`${…}`) and anything unforeseen fail the check, and such values are evaluated per item.
 */
export function isRunConstantExpression(expression: string): boolean {
	if (MAY_VARY.some((pattern) => pattern.test(expression))) return false;
	for (let at = expression.indexOf('$'); at !== -1; at = expression.indexOf('$', at + 1)) {
		const allowed = RUN_CONSTANT_USES.some((use) => {
			use.lastIndex = at;
			return use.test(expression);
		});
		if (!allowed) return false;
	}
	return true;
}

/**
 * Whether a raw parameter value gives the same value for every item of a run: a fixed value, or
 * expressions (also inside collections) that pass `isRunConstantExpression`. A missing value is
 * not known to be constant.
 */
export function isRunConstant(raw: unknown): boolean {
	if (raw === undefined) return false;
	if (typeof raw === 'string') return !raw.startsWith('=') || isRunConstantExpression(raw.slice(1));
	if (Array.isArray(raw)) return raw.every(isRunConstant);
	if (raw !== null && typeof raw === 'object') return Object.values(raw).every(isRunConstant);
	return true;
}

/** How a parameter is read for each item: from the item's JSON, once per run, or by n8n per item. */
export type Plan = { path: string[] } | { constant: true } | { perItem: true };

/** The plan for a raw (unevaluated) parameter value. */
export function planFor(raw: unknown): Plan {
	const path = fieldReferencePath(raw);
	if (path) return { path };
	return isRunConstant(raw) ? { constant: true } : { perItem: true };
}
