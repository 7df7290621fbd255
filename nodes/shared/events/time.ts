import { DateTime } from 'luxon';

/** Optimove's own envelope format, e.g. `2024-05-27 10:30:00.000000 UTC`. */
const OPTIMOVE_FORMAT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))? UTC$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DIGITS = /^-?\d+(\.\d+)?$/;
/** Plain ISO 8601 with Z or ±HH:MM: a fast path, ~10× cheaper than DateTime.fromISO per event. */
const PLAIN_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;

function plainIso(text: string): DateTime | undefined {
	const m = PLAIN_ISO.exec(text);
	if (!m) return undefined;
	const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
	const offset = m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
	if (Math.abs(offset) > 18 * 60) return undefined; // no such offset: let fromISO judge it
	return DateTime.fromObject(
		{ year, month, day, hour, minute, second, millisecond: Number((m[7] ?? '').padEnd(3, '0')) },
		{ zone: offset === 0 ? 'utc' : `UTC${offset > 0 ? '+' : '-'}${Math.floor(Math.abs(offset) / 60)}:${String(Math.abs(offset) % 60).padStart(2, '0')}` },
	);
}

export interface EventTime {
	instant: DateTime;
	/** Microseconds (0–999999), kept when the input carried them. */
	micros: number;
}

/**
 * Reads an event time: epoch seconds or milliseconds (number or digits; below 10^12 means
 * seconds), ISO-8601 with any offset, Optimove's `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`, or a naive
 * `YYYY-MM-DD HH:MM:SS` (taken as UTC). Returns an error message when it cannot.
 */
export function parseEventTime(value: unknown): EventTime | string {
	let instant: DateTime | undefined;
	let micros: number | undefined;
	if (typeof value === 'number' || (typeof value === 'string' && DIGITS.test(value.trim()))) {
		const number = Number(value);
		if (!Number.isFinite(number)) return 'is not a finite number';
		const ms = Math.abs(number) < 1e12 ? number * 1000 : number;
		instant = DateTime.fromMillis(Math.floor(ms), { zone: 'utc' });
	} else if (value instanceof Date) {
		instant = DateTime.fromJSDate(value, { zone: 'utc' });
	} else if (typeof value === 'string') {
		const text = value.trim();
		const optimove = OPTIMOVE_FORMAT.exec(text);
		const iso = plainIso(text);
		if (iso) {
			instant = iso;
		} else if (optimove) {
			instant = DateTime.fromISO(`${optimove[1]}T${optimove[2]}`, { zone: 'utc' });
			micros = Number((optimove[3] ?? '').padEnd(6, '0'));
		} else if (NAIVE.test(text)) {
			instant = DateTime.fromISO(text.replace(' ', 'T'), { zone: 'utc' });
		} else {
			instant = DateTime.fromISO(text, { setZone: true });
		}
	} else {
		return `must be a time (ISO 8601, epoch seconds or milliseconds, or "YYYY-MM-DD HH:MM:SS UTC"), got ${value === null ? 'null' : typeof value}`;
	}
	if (!instant?.isValid) {
		return `cannot read ${JSON.stringify(value)} as a time: use ISO 8601 (e.g. 2024-05-27T12:30:00+02:00), epoch seconds or milliseconds, or "YYYY-MM-DD HH:MM:SS UTC"`;
	}
	const utc = instant.toUTC();
	return { instant: utc, micros: micros ?? utc.millisecond * 1000 };
}

/** The envelope's UTC format: `YYYY-MM-DD HH:MM:SS.ssssss UTC`. */
export function envelopeTime(time: EventTime): string {
	// Assembled from the fields: toFormat costs more than the rest of an event's validation.
	const { year, month, day, hour, minute, second } = time.instant;
	const two = (n: number) => String(n).padStart(2, '0');
	return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}.${String(time.micros).padStart(6, '0')} UTC`;
}

/** Timestamps inside `context` go out as ISO-8601 UTC, e.g. `2024-05-27T10:30:00Z`. */
export function contextTime(time: EventTime): string {
	return time.instant.toISO({ suppressMilliseconds: true }) as string;
}
