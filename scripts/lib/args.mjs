// Command-line options for the scripts, the benchmarks and the sandbox CLI, all through node:util
// parseArgs with one set of rules:
// - strict: an unknown or misspelt option stops with the usage, instead of being ignored;
// - `--no-x` always means "x off" (x = false): for every boolean option, and for a string option
//   declared with `negatable: true` (e.g. `--rate-limit 50/10s` or `--no-rate-limit`);
// - `--help` / `-h` prints the usage and exits 0.
import { parseArgs } from 'node:util';

/**
 * Parses `argv` (default: this process's arguments) against `options` (parseArgs' option table, plus
 * `negatable` for string options). Returns the values, with the positionals as `_`.
 * On a usage error prints it with `usage` and exits 2 (or throws when `exit` is false).
 */
export function parseCli(options, { usage, positionals = false, argv = process.argv.slice(2), exit = true } = {}) {
	usage ??= usageFrom(options);
	const table = { help: { type: 'boolean', short: 'h' } };
	const negations = {};
	for (const [name, spec] of Object.entries(options)) {
		const { negatable, ...parseSpec } = spec;
		table[name] = parseSpec;
		if (spec.type === 'boolean' || negatable) {
			negations[`no-${name}`] = name;
			table[`no-${name}`] = { type: 'boolean' };
		}
	}
	let parsed;
	try {
		parsed = parseArgs({ args: argv, options: table, strict: true, allowPositionals: positionals });
	} catch (error) {
		const message = `${error.message}${usage ? `\n\n${usage.trimEnd()}` : ''}`;
		if (!exit) throw new Error(message);
		console.error(message);
		process.exit(2);
	}
	const values = { ...parsed.values };
	for (const [negation, name] of Object.entries(negations)) {
		if (values[negation]) values[name] = false;
		delete values[negation];
	}
	if (values.help && exit) {
		console.log(usage.trimEnd());
		process.exit(0);
	}
	return { ...values, _: parsed.positionals };
}

/** A usage text from the option table, when the script gives none: one line per option with its default. */
function usageFrom(options) {
	const script = process.argv[1] ? process.argv[1].split(/[\\/]/).slice(-2).join('/') : 'script';
	const lines = Object.entries(options).map(([name, spec]) => {
		const value = spec.type === 'string' ? ' <value>' : '';
		const dflt = spec.type === 'string' && spec.default !== undefined && !(Array.isArray(spec.default) && !spec.default.length) ? `   (default ${spec.default})` : '';
		return `  --${spec.type === 'boolean' && spec.default === true ? 'no-' : ''}${name}${value}${spec.multiple ? ' …' : ''}${dflt}`;
	});
	return `Usage: node ${script} [options]\n${lines.join('\n')}`;
}
