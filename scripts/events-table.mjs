#!/usr/bin/env node
// Writes the body of docs/events.md, its tables generated from the built event catalogue
// (dist/nodes/shared/events/catalogue.js), between the page's EVENTS markers, so the
// documentation cannot drift from the node. scripts/verify-package.mjs runs --check.
//
//   npm run build && node scripts/events-table.mjs            # print the section
//   node scripts/events-table.mjs --write                      # replace it in docs/events.md
//   node scripts/events-table.mjs --check                      # exit 1 when docs/events.md is out of date
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'nodes', 'shared', 'events', 'catalogue.js');
if (!existsSync(built)) {
	console.error('dist/ is missing: run `npm run build` first');
	process.exit(2);
}
const { OOTB_EVENTS, RATE_LIMITED_EVENTS, CONTEXT_PREFIX, paramType } = createRequire(import.meta.url)(built);

const TYPE_TEXT = {
	string: 'text ≤ 255',
	number: 'number',
	boolean: 'true/false',
	yesNo: '"Yes"/"No"',
	timestamp: 'time → ISO-8601 UTC',
	date: 'YYYY-MM-DD',
};
const typeOf = (name) => {
	const type = paramType(name);
	return typeof type === 'object' ? type.oneOf.join(' / ') : TYPE_TEXT[type];
};
/** `name` (type) for the typed ones; plain text parameters are listed by name only. */
const param = (name) => (paramType(name) === 'string' ? `\`${name}\`` : `\`${name}\` (${typeOf(name)})`);

function eventsTable() {
	const rows = OOTB_EVENTS.map((e) => {
		const required = ['`customer` or `visitor`', ...e.mandatory.map(param)].join(', ');
		const optional = e.optional.length ? e.optional.map(param).join(', ') : '—';
		const limited = RATE_LIMITED_EVENTS.has(e.name) ? ' ⏱' : '';
		return `| \`${e.name}\`${limited} | ${e.verticals} | ${required} | ${optional} |`;
	});
	return ['| Event | Verticals | Required | Optional |', '|---|---|---|---|', ...rows].join('\n');
}

const section = `The **Event** resource sends server-side events to Optimove's events endpoint (credential
*Optimove Events API*: endpoint URL, tenant ID, events token).

- **Send OOTB Event**: one of Optimove's out-of-the-box events, checked against the table below.
  *Parameters From*: **Define Below** (fields, usually \`{{ $json.x }}\`; a field that is a plain
  \`{{ $json.x }}\` reference is read from the item instead of evaluated, a fixed value is read
  once) or **Item Fields** (the item's own fields named like the parameters, with or without
  \`${CONTEXT_PREFIX}\`; the ID and time fields are named on the node) — fastest for large volumes.
  *Event Source*: **One Event for All Items** (default; the event's mandatory fields are shown) or
  **Per Item** — *Event Name* per item, e.g. \`{{ $json.event }}\` from a column that names it
  (\`ootb_deposit\` or \`deposit\`), for one source feeding several event types. Each item is then
  checked against its own event's row below at run time (missing mandatory or unknown parameters
  are item errors, as always); with Define Below its parameters are name/value pairs, and a pair
  whose value is empty is left out, so one list can serve several events.
- **Send Custom Event**: an event key configured in Optimove (snake_case; OOTB names are refused:
  use Send OOTB Event), parameters from Key/Value pairs, JSON or the item's fields.

## OOTB events and their parameters

Generated from the node's catalogue (\`nodes/shared/events/catalogue.ts\`) by
\`scripts/events-table.mjs\`. Parameter names are given without the \`${CONTEXT_PREFIX}\` prefix
every one carries on the wire; write them either way. Every event also needs a time (empty: now).
⏱ = rate-limited by Optimove (see Limits).

${eventsTable()}

Values are converted to their type: numbers from numeric text, \`true\`/\`false\` from text,
\`"Yes"\`/\`"No"\` flags from booleans; anything else that does not fit is refused with the item and
parameter named. Text is at most 255 characters. \`null\` is sent as \`null\` (Optimove writes it
to the profile). A parameter the event does not have is refused, so a misspelt name is caught
before anything is sent.

## Time

- **Event Time** (or the *Event Time Field*) accepts ISO 8601 with any offset
  (\`2024-05-27T12:30:00+02:00\`), epoch seconds or milliseconds (number or digits; below 10¹²
  means seconds), Optimove's own \`YYYY-MM-DD HH:MM:SS[.ffffff] UTC\`, or a naive
  \`YYYY-MM-DD HH:MM:SS\` (taken as UTC). Empty: the time the node ran.
- The envelope goes out in UTC as \`YYYY-MM-DD HH:MM:SS.ssssss UTC\`; time parameters inside the
  context (\`*_timestamp\`, \`*_date_time\`) go out as ISO-8601 UTC (\`2024-05-27T10:30:00Z\`), as
  Optimove asks. Optimove ingests by event time, not arrival.

## Limits and delivery

- At most **10 events per request**, each request signed with HMAC-SHA256 of its exact bytes
  (\`X-Optimove-Signature-Content\`); the events token never travels. Up to 8 requests in flight.
- ${[...RATE_LIMITED_EVENTS].map((e) => `\`${e}\``).join(' and ')} are limited by Optimove to
  **50 requests per 10 seconds** (one budget for both): each goes in requests of its own type only,
  never with other events, and they are paced so
  that a request starts only 10.25 s after the answer to the request 50 before it (counted from
  the answer, not the start, so a slow request can never make a later one arrive early: no 429s).
  5 000 registrations take about 95 s (the floor is 100 s of Optimove's budget).
- 429, 5xx and network errors are retried with back-off ([transport.md](transport.md#retries)).

## Per-item outcome

Every input item gives exactly one output item, paired to it:

- **sent**: the event as sent (\`tenant\`, \`timestamp\`, \`event\`, \`customer\`/\`visitor\`,
  \`context\`) plus \`sent: true\`, \`batch\` and Optimove's \`acknowledgement\`;
- **invalid** (with *Continue On Fail*): \`error\` naming the item and the field; it is never sent
  and never holds back the valid items;
- **in a failed request**: Optimove answers some errors with HTTP 200 and \`"status":"error"\`;
  that is a failure for the (up to 10) events of that request, each getting the \`error\` and its
  \`batch\`. No event is reported as sent unless Optimove said \`"status":"success"\`.

Without *Continue On Fail* the first invalid item or failed request stops the node; requests
already in flight finish, and the error says how many items Optimove had already accepted.
`;

const BEGIN = '<!-- EVENTS:BEGIN generated by scripts/events-table.mjs from the catalogue; edit there -->\n';
const END = '<!-- EVENTS:END -->';
const page = path.join(root, 'docs', 'events.md');
const PAGE = 'docs/events.md';
const options = parseCli({ check: { type: 'boolean' }, write: { type: 'boolean' } }, { usage: 'Usage: node scripts/events-table.mjs [--check | --write]   (no option: print the section)' });
if (options.write && options.check) {
	console.error('--check and --write exclude each other');
	process.exit(2);
}
const mode = options.write ? '--write' : options.check ? '--check' : undefined;
if (mode) {
	const text = readFileSync(page, 'utf8');
	const a = text.indexOf(BEGIN);
	const b = text.indexOf(END);
	if (a < 0 || b < a) {
		console.error(`${PAGE} lacks the EVENTS:BEGIN / EVENTS:END markers`);
		process.exit(1);
	}
	const current = text.slice(a + BEGIN.length, b);
	if (mode === '--write') {
		writeFileSync(page, text.slice(0, a + BEGIN.length) + section + text.slice(b));
		console.log(`${PAGE}: Events section written`);
	} else if (current !== section) {
		console.error(`${PAGE}: the Events section is out of date: node scripts/events-table.mjs --write`);
		process.exit(1);
	} else {
		console.log(`${PAGE}: the Events section is up to date`);
	}
} else {
	process.stdout.write(section);
}
