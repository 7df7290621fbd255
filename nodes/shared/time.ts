import { DateTime } from 'luxon';

/** Optimove's own envelope format, e.g. `2024-05-27 10:30:00.000000 UTC`. */
const OPTIMOVE_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? UTC$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DIGITS = /^-?\d+(\.\d+)?$/;
/** Plain ISO 8601 with Z or ±HH:MM: read without luxon (the common case, ~1 µs). */
const PLAIN_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;
/** The range of a JavaScript date (and of luxon's). */
const MAX_EPOCH_MS = 8.64e15;

// Instants as the package reads and writes them. Every reader is zone-free: a text without an
// offset is UTC (Optimove's own convention), never the server's local time.

export interface Instant {
	/** Epoch milliseconds. */
	epochMs: number;
	/** Microseconds within the second (0–999999), kept when the input carried them. */
	micros: number;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
	const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return DAYS[month - 1] + (leap ? 1 : 0);
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date object. */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146_097 + doe - 719_468;
}

/** The calendar date of a day count since 1970-01-01 (civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const doe = z - era * 146_097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** Epoch ms of a UTC calendar time, or undefined when a field is out of range (Feb 30, 10:61…). */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number | undefined {
	if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
	return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

const INVALID = 'invalid';

/** The fast path for plain ISO 8601; undefined when it does not apply (luxon decides then). */
function plainIso(text: string): number | typeof INVALID | undefined {
	const m = PLAIN_ISO.exec(text);
	if (!m) return undefined;
	const zone = m[8];
	const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
	if (Math.abs(offset) > 18 * 60 || Number(zone.slice(4, 6)) > 59) return undefined; // no such offset: let luxon judge it
	const local = utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '').padEnd(3, '0')));
	return local === undefined ? INVALID : local - offset * 60_000;
}

const TIME_ERROR = (value: unknown) =>
	`cannot read ${JSON.stringify(value)} as a time: use ISO 8601 (e.g. 2024-05-27T12:30:00+02:00), epoch seconds or milliseconds, or "YYYY-MM-DD HH:MM:SS UTC"`;

/**
 * Reads an instant: epoch seconds or milliseconds (number or digits; below 10^12 means seconds),
 * ISO 8601 with any offset (UTC when it has none), Optimove's `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`,
 * or a naive `YYYY-MM-DD HH:MM:SS` (UTC). Returns an error message when it cannot.
 */
export function parseInstant(value: unknown): Instant | string {
	let epochMs: number | undefined;
	let micros: number | undefined;
	if (typeof value === 'number' || (typeof value === 'string' && DIGITS.test(value.trim()))) {
		const number = Number(value);
		if (!Number.isFinite(number)) return 'is not a finite number';
		epochMs = Math.floor(Math.abs(number) < 1e12 ? number * 1000 : number);
	} else if (value instanceof Date) {
		epochMs = value.getTime();
	} else if (typeof value === 'string') {
		const text = value.trim();
		const iso = plainIso(text);
		if (iso === INVALID) return TIME_ERROR(value);
		if (iso !== undefined) {
			epochMs = iso;
		} else {
			const optimove = OPTIMOVE_FORMAT.exec(text);
			if (optimove) {
				const [year, month, day, hour, minute, second] = optimove.slice(1, 7).map(Number);
				micros = Number((optimove[7] ?? '').padEnd(6, '0'));
				epochMs = utcMillis(year, month, day, hour, minute, second, Math.floor(micros / 1000));
			} else {
				const iso = NAIVE.test(text) ? text.replace(' ', 'T') : text;
				// An offset in the text wins; without one the text is UTC, not the server's zone.
				const instant = DateTime.fromISO(iso, { zone: 'utc', setZone: true });
				epochMs = instant.isValid ? instant.toMillis() : undefined;
			}
		}
	} else {
		return `must be a time (ISO 8601, epoch seconds or milliseconds, or "YYYY-MM-DD HH:MM:SS UTC"), got ${value === null ? 'null' : typeof value}`;
	}
	if (epochMs === undefined || !Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_EPOCH_MS) return TIME_ERROR(value);
	return { epochMs, micros: micros ?? (((epochMs % 1000) + 1000) % 1000) * 1000 };
}

/** A time that may be left empty: `{}` when it is, else its epoch ms or why it cannot be read. */
export function parseOptionalInstant(value: unknown): { at?: number; error?: string } {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return {};
	const instant = parseInstant(value);
	return typeof instant === 'string' ? { error: instant } : { at: instant.epochMs };
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The envelope's UTC format: `YYYY-MM-DD HH:MM:SS.ssssss UTC`. */
export function envelopeTime(time: Instant): string {
	const days = Math.floor(time.epochMs / DAY_MS);
	const [year, month, day] = civilFromDays(days);
	const secondOfDay = Math.floor((time.epochMs - days * DAY_MS) / 1000);
	const hour = Math.floor(secondOfDay / 3600);
	const minute = Math.floor((secondOfDay % 3600) / 60);
	return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(secondOfDay % 60)}.${String(time.micros).padStart(6, '0')} UTC`;
}

/** Timestamps inside `context` go out as ISO-8601 UTC, e.g. `2024-05-27T10:30:00Z` (milliseconds only when not zero). */
export function contextTime(time: Instant): string {
	const iso = new Date(time.epochMs).toISOString();
	return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Optimove's naive UTC timestamp, `YYYY-MM-DD HH:MM:SS`. */
export function optimoveTimestamp(epochMs: number): string {
	return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** Epoch milliseconds (or seconds, below 10^12) to ISO-8601 UTC with milliseconds. */
export function epochToIso(value: number): string | undefined {
	const ms = value < 1e12 ? value * 1000 : value;
	const parsed = DateTime.fromMillis(ms, { zone: 'utc' });
	return parsed.isValid ? (parsed.toISO() ?? undefined) : undefined;
}

/** Optimove's naive `YYYY-MM-DD HH:MM:SS[.fff]` (UTC) as ISO-8601 UTC, milliseconds only when not zero. */
export function naiveUtcToIso(value: string): string | undefined {
	const parsed = DateTime.fromSQL(value, { zone: 'utc' });
	return parsed.isValid ? (parsed.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
}
