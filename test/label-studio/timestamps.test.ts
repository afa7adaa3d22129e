import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { show, taskError, type TaskWhere } from '../../src/label-studio/task-fields.js';
import { parseTimestamp } from '../../src/label-studio/timestamps.js';

const where = { file: 'export.json', item: '7' };

/** The outcome of `parse` on `value`: its result, or the message it throws. */
function outcome(parse: (value: unknown) => string, value: unknown): string {
  try {
    return parse(value);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

/** parseTimestamp as first written, its fast path a regular expression: the character-by-character one must agree with it. */
const UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const ISO = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function referenceFastUtc(value: string): string | null {
  const match = UTC.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS[month - 1];
  if (days === undefined || day < 1 || day > days || Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return null;
  return `${value.slice(0, 19)}.${(match[7] ?? '').slice(0, 6).padEnd(6, '0')}Z`;
}
function referenceParse(value: unknown, at: TaskWhere, field: string): string {
  if (typeof value === 'string') {
    const fast = referenceFastUtc(value);
    if (fast !== null) return fast;
  }
  if (typeof value !== 'string') throw taskError(at, 'wrong-type', `${field} must be a timestamp, not ${show(value)}`, { field });
  const match = ISO.exec(value);
  if (!match) throw taskError(at, 'timestamp', `${field} ${show(value)} is not an ISO 8601 timestamp`, { field });
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const withColon = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const seconds = new Date(`${date}T${time}${zone.toUpperCase() === 'Z' ? 'Z' : withColon}`);
  if (Number.isNaN(seconds.getTime()) || (zone.toUpperCase() === 'Z' && seconds.toISOString().slice(0, 19) !== `${date}T${time}`)) {
    throw taskError(at, 'timestamp', `${field} ${show(value)} is not a valid date and time`, { field });
  }
  return `${seconds.toISOString().slice(0, 19)}.${fraction.slice(0, 6).padEnd(6, '0')}Z`;
}

describe('parseTimestamp', () => {
  it.each([
    ['2021-07-06T06:44:08.446371Z', '2021-07-06T06:44:08.446371Z'],
    ['2021-07-06T06:44:08Z', '2021-07-06T06:44:08.000000Z'],
    ['2021-07-06T06:44:08.4Z', '2021-07-06T06:44:08.400000Z'],
    ['2021-07-06T06:44:08.123456789Z', '2021-07-06T06:44:08.123456Z'],
    ['2024-02-29T23:59:59.5Z', '2024-02-29T23:59:59.500000Z'],
    ['2021-07-06T08:44:08.446371+02:00', '2021-07-06T06:44:08.446371Z'],
    ['2021-07-06 06:44:08', '2021-07-06T06:44:08.000000Z'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseTimestamp(value, where, 'updated_at')).toBe(expected);
  });

  it.each(['2023-02-29T00:00:00Z', '2021-13-01T00:00:00Z', '2021-07-06T24:00:00Z', '2021-07-06T06:44:08.Z', '2021-7-06T06:44:08Z', 'yesterday'])(
    'refuses %s, naming the task and the rule',
    (value) => {
      expect(() => parseTimestamp(value, where, 'updated_at')).toThrow(/export\.json: task 7: updated_at .* \(rule timestamp\)$/);
    },
  );

  it('agrees with the regular-expression reading on near-miss and well-formed strings alike', () => {
    const digit = fc.constantFrom(...'0123456789');
    const noise = fc.constantFrom(...'0123456789-:T.Zz +x');
    // Numbers around the valid ranges, now and then with a character too many, too few or wrong.
    const field = (max: number, width: number) =>
      fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0')) },
        { weight: 1, arbitrary: fc.array(fc.oneof(digit, noise), { minLength: width - 1, maxLength: width + 1 }).map((c) => c.join('')) },
      );
    const sep = (s: string) => fc.oneof({ weight: 19, arbitrary: fc.constant(s) }, { weight: 1, arbitrary: noise });
    const fraction = fc.oneof(fc.constant(''), fc.array(digit, { minLength: 0, maxLength: 11 }).map((d) => `.${d.join('')}`));
    const zone = fc.constantFrom('Z', 'Z', 'Z', 'z', '', '+02:00', 'ZZ');
    const timestamp = fc
      .tuple(field(2401, 4), sep('-'), field(13, 2), sep('-'), field(32, 2), sep('T'), field(25, 2), sep(':'), field(61, 2), sep(':'), field(61, 2), fraction, zone)
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(timestamp, (value) => {
        expect(outcome((v) => parseTimestamp(v, where, 'updated_at'), value)).toBe(outcome((v) => referenceParse(v, where, 'updated_at'), value));
      }),
      { numRuns: 5000 },
    );
  });
});
