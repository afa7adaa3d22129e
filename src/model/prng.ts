import { InputError } from '../errors.js';

/** A seeded pseudo-random generator. The same seed always yields the same sequence, on every platform. */
export interface Prng {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** The next float in [0, 1), with 32 bits of resolution. */
  nextFloat(): number;
  /** The next float uniform in [low, high). */
  nextUniform(low: number, high: number): number;
  /** The next standard normal (Box–Muller). */
  nextNormal(): number;
}

const TWO_POW_32 = 4_294_967_296;

/** Throws unless `seed` is an integer in [0, 2^32). */
export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new InputError(`seed must be an integer in [0, 2^32), got ${seed}`, { rule: 'seed-range', seed });
  }
}

/**
 * mulberry32: a tiny generator with a 32-bit state, good enough for weight initialisation and shuffling
 * (not for cryptography). Its uniform outputs use only integer arithmetic, so they are bit-identical
 * everywhere; `nextNormal` relies on V8's fdlibm-based `Math.log`/`Math.cos`, which are deterministic
 * across V8 platforms but not guaranteed by the ECMAScript standard.
 */
export function createPrng(seed: number): Prng {
  assertSeed(seed);
  let state = seed;
  let spareNormal: number | null = null;

  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const nextFloat = (): number => nextUint32() / TWO_POW_32;

  return {
    nextUint32,
    nextFloat,
    nextUniform: (low, high) => low + (high - low) * nextFloat(),
    nextNormal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      const u1 = 1 - nextFloat(); // in (0, 1]: log stays finite
      const u2 = nextFloat();
      const radius = Math.sqrt(-2 * Math.log(u1));
      spareNormal = radius * Math.sin(2 * Math.PI * u2);
      return radius * Math.cos(2 * Math.PI * u2);
    },
  };
}
