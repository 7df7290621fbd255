import { DateTime } from 'luxon';
import { contextTime, envelopeTime, parseInstant } from '../../../nodes/shared/time';
import type { Instant } from '../../../nodes/shared/time';
import { prng } from '../helpers/clock';

/** The fast paths (no luxon) must read and write times exactly as luxon does. */
function parsed(value: unknown): Instant {
	const time = parseInstant(value);
	if (typeof time === 'string') throw new Error(time);
	return time;
}

describe('event time: fast paths agree with luxon', () => {
	const random = prng(2026);
	const offsets = [0, 60, -300, 330, 345, -570, 840, -720, 120];
	const cases = Array.from({ length: 2000 }, () => {
		const epochMs = Math.floor(Date.UTC(1900, 0, 1) + random() * (Date.UTC(2200, 0, 1) - Date.UTC(1900, 0, 1)));
		const withMs = random() < 0.5;
		return { epochMs: withMs ? epochMs : epochMs - (epochMs % 1000), offset: offsets[Math.floor(random() * offsets.length)] };
	});

	it('2 000 random ISO times with offsets: envelope and context formats equal luxon’s', () => {
		for (const { epochMs, offset } of cases) {
			const zoned = DateTime.fromMillis(epochMs, { zone: offset === 0 ? 'utc' : `UTC${offset > 0 ? '+' : '-'}${Math.floor(Math.abs(offset) / 60)}:${String(Math.abs(offset) % 60).padStart(2, '0')}` });
			const text = zoned.toISO({ includeOffset: true, suppressMilliseconds: false }) as string;
			const input = offset === 0 ? text.replace('+00:00', 'Z') : text;
			const time = parsed(input);
			const utc = zoned.toUTC();
			expect(time.epochMs).toBe(epochMs);
			expect(envelopeTime(time)).toBe(`${utc.toFormat('yyyy-MM-dd HH:mm:ss.SSS')}000 UTC`);
			expect(contextTime(time)).toBe(utc.toISO({ suppressMilliseconds: true }));
		}
	});

	it('epoch seconds and milliseconds, numbers and digits', () => {
		for (const { epochMs } of cases.slice(0, 200)) {
			const seconds = Math.floor(epochMs / 1000);
			expect(parsed(seconds).epochMs).toBe(seconds * 1000);
			expect(parsed(String(seconds)).epochMs).toBe(seconds * 1000);
			if (Math.abs(epochMs) >= 1e12) expect(parsed(epochMs).epochMs).toBe(epochMs);
		}
	});

	it.each([
		['a year below 100 stays that year (not 19xx)', '0050-03-01T00:00:00Z', '0050-03-01 00:00:00.000000 UTC'],
		['a leap day', '2024-02-29T23:59:59.999+00:00', '2024-02-29 23:59:59.999000 UTC'],
		['a negative epoch (before 1970)', -86_400, '1969-12-31 00:00:00.000000 UTC'],
		['a Date object', new Date(Date.UTC(2024, 4, 27, 10, 30, 0, 5)), '2024-05-27 10:30:00.005000 UTC'],
		["Optimove's format, microseconds kept", '2024-05-27 10:30:00.000001 UTC', '2024-05-27 10:30:00.000001 UTC'],
		['ISO with more than millisecond digits (luxon)', '2024-05-27T10:30:00.123456Z', '2024-05-27 10:30:00.123000 UTC'],
	])('%s', (_, input, expected) => {
		expect(envelopeTime(parsed(input))).toBe(expected);
	});

	it.each([['2024-02-29T24:00:00Z'], ['2023-02-29T00:00:00Z'], ['2024-04-31T00:00:00Z'], ['2024-05-27T10:30:60Z'], ['2024-05-27 10:30:00.5 UTZ'], ['2024-13-01 00:00:00 UTC'], [1e20]])(
		'refuses %j',
		(input) => {
			expect(parseInstant(input)).toEqual(expect.stringMatching(/cannot read|finite/));
		},
	);

	it('context times drop zero milliseconds only', () => {
		expect(contextTime(parsed('2024-05-27T12:30:00+02:00'))).toBe('2024-05-27T10:30:00Z');
		expect(contextTime(parsed('2024-05-27T12:30:00.120+02:00'))).toBe('2024-05-27T10:30:00.120Z');
	});
});
