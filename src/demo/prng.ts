import { fmix32 } from '../hash/fmix32.js';

/** A seeded pseudo-random stream. Every value it yields follows from its seed alone. */

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One element, chosen with probability proportional to its weight. */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** A string of `length` characters drawn from `alphabet`. */
  token(length: number, alphabet?: string): string;
}

/** The characters of Label Studio's region ids (nanoid's URL-safe alphabet). */
export const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A mulberry32 stream: 32 bits of state, fast, and good enough for synthetic data (not for secrets). */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  return {
    next,
    int,
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick,
    pickWeighted: (items, weights) => {
      const total = weights.reduce((sum, w) => sum + w, 0);
      let r = next() * total;
      let last = -1;
      for (let i = 0; i < items.length; i++) {
        const weight = weights[i] ?? 0;
        if (weight <= 0) continue;
        last = i;
        r -= weight;
        if (r < 0) return items[i] as (typeof items)[number];
      }
      // Rounding can leave r at zero after the last step: that belongs to the last item with weight.
      if (last < 0) throw new RangeError('pickWeighted needs a positive weight');
      return items[last] as (typeof items)[number];
    },
    token: (length, alphabet = ID_ALPHABET) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[int(0, alphabet.length - 1)];
      return out;
    },
  };
}

/**
 * Mixes integers into one 32-bit seed (murmur3's mixing steps), so that each image and each
 * concern gets its own independent stream: image 7 is the same whether 10 or 10,000 are made.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    let k = Math.imul(part >>> 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  return fmix32(h);
}
