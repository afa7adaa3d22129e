import type { Prng } from './prng.js';

/** A colour as three bytes: red, green, blue. */
export type Rgb = readonly [number, number, number];

/**
 * Background pixels are near-grey: their channels differ by at most this much (max − min).
 * Gradients, stripes and noise only mix, shift and clamp such tones, which never widens the spread.
 */
export const BACKGROUND_MAX_SPREAD = 32;

/** Object fills are saturated: their channels differ by at least this much, so no object pixel can pass for background. */
export const OBJECT_MIN_SPREAD = 128;

/** A near-grey tone: a grey level with each channel tinted by at most half the allowed spread. */
export function pickBackgroundTone(prng: Prng): Rgb {
  const grey = prng.int(24, 231);
  const tint = () => grey + prng.int(-BACKGROUND_MAX_SPREAD / 2, BACKGROUND_MAX_SPREAD / 2);
  return [tint(), tint(), tint()];
}

/** A saturated colour of any hue: saturation ≥ 0.75 and value ≥ 0.7 give a spread ≥ 0.525 × 255 > 133. */
export function pickObjectColor(prng: Prng): Rgb {
  return hsvToRgb(prng.float(0, 360), prng.float(0.75, 1), prng.float(0.7, 1));
}

function hsvToRgb(hue: number, saturation: number, value: number): Rgb {
  const c = value * saturation;
  const h = hue / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = value - c;
  const [r, g, b] =
    h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  const byte = (channel: number) => Math.round((channel + m) * 255);
  return [byte(r), byte(g), byte(b)];
}
