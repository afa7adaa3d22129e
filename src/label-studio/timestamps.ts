import { digitsAt, startsWithUtcDateTime } from '../artifacts/utc-timestamp.js';
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

/**
 * The common case, a UTC timestamp as Label Studio writes it ("YYYY-MM-DDTHH:MM:SS", then "."
 * and 1 to 9 digits or nothing, then "Z"), checked field by field, character by character:
 * ingestion meets several per task, and a regular expression with its match array costs more
 * than the rest of the task's checks. Null sends anything else the slow way.
 */
function fastUtc(value: string): string | null {
  const length = value.length;
  if (length !== 20 && (length < 22 || length > 30)) return null;
  if (value.charCodeAt(length - 1) !== 0x5a /* Z */ || !startsWithUtcDateTime(value)) return null;
  if (length === 20) return `${value.slice(0, 19)}.000000Z`;
  if (value.charCodeAt(19) !== 0x2e /* . */ || digitsAt(value, 20, length - 21) < 0) return null;
  // Already in the fixed form: the string itself, not a copy pieced together from slices of it.
  if (length === 27) return value;
  return `${value.slice(0, 19)}.${value.slice(20, Math.min(26, length - 1)).padEnd(6, '0')}Z`;
}
