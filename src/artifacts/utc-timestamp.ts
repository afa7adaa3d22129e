/**
 * Character-by-character checks of UTC timestamps, for the hot paths that meet one per task or
 * item (ingestion, item validation): a regular expression with its match array, or a Date, costs
 * more there than the rest of the checks.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `value` starts with "YYYY-MM-DDTHH:MM:SS" naming a real day and time (no leap second). */
export function startsWithUtcDateTime(value: string): boolean {
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(10) !== 0x54 /* T */ || value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a) {
    return false;
  }
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59;
}

/** cairn's own fixed form, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (a subset of RFC 3339), naming a real day and time. */
export function isFixedUtc(value: string): boolean {
  return value.length === 27 && value.charCodeAt(26) === 0x5a /* Z */ && value.charCodeAt(19) === 0x2e /* . */ && digitsAt(value, 20, 6) >= 0 && startsWithUtcDateTime(value);
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
export function digitsAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}
