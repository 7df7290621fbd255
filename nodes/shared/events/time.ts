import { DateTime } from 'luxon';

/** Optimove's own envelope format, e.g. `2024-05-27 10:30:00.000000 UTC`. */
const OPTIMOVE_FORMAT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))? UTC$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DIGITS = /^-?\d+(\.\d+)?$/;

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
		if (optimove) {
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
	return `${time.instant.toFormat('yyyy-LL-dd HH:mm:ss')}.${String(time.micros).padStart(6, '0')} UTC`;
}

/** Timestamps inside `context` go out as ISO-8601 UTC, e.g. `2024-05-27T10:30:00Z`. */
export function contextTime(time: EventTime): string {
	return time.instant.toISO({ suppressMilliseconds: true }) as string;
}
