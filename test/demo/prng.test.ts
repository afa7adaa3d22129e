import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng, ID_ALPHABET, mixSeed } from '../../src/demo/prng.js';

describe('createPrng', () => {
  it('is mulberry32: seed 42 starts with the reference sequence', () => {
    const prng = createPrng(42);
    expect([prng.next(), prng.next(), prng.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('repeats itself for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const prng = createPrng(seed);
      return Array.from({ length: 50 }, () => prng.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 5 }), (seed, min, span) => {
        const prng = createPrng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const value = prng.int(min, min + span);
          expect(Number.isInteger(value) && value >= min && value <= min + span).toBe(true);
          seen.add(value);
        }
        expect(seen.size).toBe(span + 1);
      }),
      { numRuns: 50 },
    );
  });

  it('makes ids from the given alphabet', () => {
    const id = createPrng(1).token(10);
    expect(id).toHaveLength(10);
    expect([...id].every((c) => ID_ALPHABET.includes(c))).toBe(true);
  });

  it('never picks an item of weight zero', () => {
    const prng = createPrng(3);
    const picks = new Set(Array.from({ length: 500 }, () => prng.pickWeighted(['a', 'b', 'c'], [1, 0, 2])));
    expect([...picks].sort()).toEqual(['a', 'c']);
  });
});

describe('mixSeed', () => {
  it('gives each (seed, stream, index) its own 32-bit seed', () => {
    const seeds = new Set<number>();
    for (let index = 0; index < 1000; index++) for (const stream of [1, 2]) seeds.add(mixSeed(42, stream, index));
    expect(seeds.size).toBe(2000);
    expect([...seeds].every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(mixSeed(42, 1, 7)).toBe(mixSeed(42, 1, 7));
  });
});
