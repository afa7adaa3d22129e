import { describe, expect, it } from 'vitest';
import { computeColumnStats } from '../../src/train/standardise.js';

describe('computeColumnStats', () => {
  it('measures only the listed rows, and treats a column too constant to carry information as 0', () => {
    // Columns: varying, constant, constant up to float32 noise on a large level; row 3 is not listed.
    const features = Float32Array.of(1, 5, 1000, 3, 5, 1000.0001, 5, 5, 1000, 99, 99, 99);
    const stats = computeColumnStats(features, 3, Int32Array.of(0, 1, 2));
    expect(stats.mean[0]).toBe(3);
    expect(stats.inverseStd[0]).toBeCloseTo(1 / Math.sqrt(8 / 3), 12);
    expect([stats.inverseStd[1], stats.inverseStd[2]]).toEqual([0, 0]);
  });

  it('gives zeros for no rows', () => {
    const stats = computeColumnStats(new Float32Array(4), 2, new Int32Array(0));
    expect([...stats.mean, ...stats.inverseStd]).toEqual([0, 0, 0, 0]);
  });
});
