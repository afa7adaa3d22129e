/** Microseconds since the Unix epoch: Label Studio (Django) timestamps carry six fractional digits. */
export type Micros = number;

/** A second in microseconds. */
export const MICROS_PER_SECOND = 1_000_000;
/** A day in microseconds. */
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

/** The instant of `date` in microseconds. */
export function toMicros(date: Date): Micros {
  return date.getTime() * 1000;
}

/** `2022-12-27T13:36:25.747398Z`, the form Label Studio exports. */
export function formatMicros(micros: Micros): string {
  const whole = Math.floor(micros);
  const millis = Math.floor(whole / 1000);
  const rest = whole - millis * 1000;
  return `${new Date(millis).toISOString().slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** The inverse of {@link formatMicros}. */
export function parseMicros(timestamp: string): Micros {
  const match = /^(.{19})(?:\.(\d{1,6}))?Z$/.exec(timestamp);
  if (!match) throw new RangeError(`not a Label Studio timestamp: ${timestamp}`);
  const seconds = Date.parse(`${match[1]}Z`);
  return seconds * 1000 + Number((match[2] ?? '').padEnd(6, '0'));
}
