import { digitsAt, startsWithUtcDateTime } from '../artifacts/utc-timestamp.js';

/**
 * An upload time (`UploadTime`: UTC, "Z", 0 to 6 fractional digits) in cairn's fixed form
 * "YYYY-MM-DDTHH:MM:SS.ffffffZ", whose fixed width makes text order time order; null for any
 * other string. "…:00Z" sorts after "…:00.5Z" as written, so the log orders and filters by this key.
 */
export function uploadTimeKey(value: string): string | null {
  const length = value.length;
  if (length !== 20 && (length < 22 || length > 27)) return null;
  if (value.charCodeAt(length - 1) !== 0x5a /* Z */ || !startsWithUtcDateTime(value)) return null;
  if (length === 20) return `${value.slice(0, 19)}.000000Z`;
  if (value.charCodeAt(19) !== 0x2e /* . */ || digitsAt(value, 20, length - 21) < 0) return null;
  return length === 27 ? value : `${value.slice(0, length - 1).padEnd(26, '0')}Z`;
}
