import { show, taskError, type TaskWhere } from './task-fields.js';

const ISO = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * A Label Studio timestamp as UTC ISO 8601 with exactly six fractional digits
 * ("2021-07-06T06:44:08.446371Z"). Label Studio stores microseconds, so nothing is lost, and the
 * fixed width makes these strings sort in time order. Strings without a zone are UTC (Django's
 * default); numbers are seconds since the epoch, as the old `completions` format wrote them.
 */
export function parseTimestamp(value: unknown, where: TaskWhere, field: string): string {
  if (typeof value === 'string') {
    const fast = fastUtc(value);
    if (fast !== null) return fast;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return fromEpochSeconds(value, where, field);
  if (typeof value !== 'string') throw taskError(where, 'wrong-type', `${field} must be a timestamp, not ${show(value)}`, { field });
  const match = ISO.exec(value);
  if (!match) throw taskError(where, 'timestamp', `${field} ${show(value)} is not an ISO 8601 timestamp`, { field });
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const seconds = new Date(`${date}T${time}${zone.toUpperCase() === 'Z' ? 'Z' : withColon(zone)}`);
  // Date rolls "02-30" over into March; a timestamp that does not round-trip is not a real one.
  if (Number.isNaN(seconds.getTime()) || (zone.toUpperCase() === 'Z' && seconds.toISOString().slice(0, 19) !== `${date}T${time}`)) {
    throw taskError(where, 'timestamp', `${field} ${show(value)} is not a valid date and time`, { field });
  }
  return `${seconds.toISOString().slice(0, 19)}.${fraction.slice(0, 6).padEnd(6, '0')}Z`;
}

function withColon(zone: string): string {
  return zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
}

function fromEpochSeconds(value: number, where: TaskWhere, field: string): string {
  const whole = Math.floor(value);
  const micros = Math.min(999_999, Math.round((value - whole) * 1e6));
  const date = new Date(whole * 1000);
  // ISO 8601's four-digit years end at 9999-12-31T23:59:59Z.
  if (value >= 253_402_300_800) throw taskError(where, 'timestamp', `${field} ${show(value)} is out of range`, { field });
  return `${date.toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

const UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The common case, a UTC timestamp as Label Studio writes it, checked field by field without
 * building a Date (ingestion meets several per task). Null sends anything else the slow way.
 */
function fastUtc(value: string): string | null {
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
