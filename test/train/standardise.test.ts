import { describe, expect, it } from 'vitest';
import { computeColumnStats } from '../../src/train/standardise.js';
import { matrixRows } from '../../src/train/feature-rows.js';

describe('computeColumnStats', () => {
  it('measures only the listed rows, and treats a column too constant to carry information as 0', () => {
    // Columns: varying, constant, constant up to float32 noise on a large level; row 3 is not listed.
    const features = Float32Array.of(1, 5, 1000, 3, 5, 1000.0001, 5, 5, 1000, 99, 99, 99);
    const stats = computeColumnStats(matrixRows(features, 3), Int32Array.of(0, 1, 2));
    expect(stats.mean[0]).toBe(3);
    expect(stats.inverseStd[0]).toBeCloseTo(1 / Math.sqrt(8 / 3), 12);
    expect([stats.inverseStd[1], stats.inverseStd[2]]).toEqual([0, 0]);
  });

  it('gives the bits of a plain two-pass sum in row order, for any number of rows', () => {
    const width = 5;
    const features = Float32Array.from({ length: 11 * width }, (_, n) => (n % 7 === 0 ? 0 : Math.sin(n) * 10 ** (n % 4)));
    for (const count of [2, 4, 6, 9, 11]) {
      const rows = Int32Array.from({ length: count }, (_, n) => (n * 5) % 11);
      const mean = new Float64Array(width);
      const variance = new Float64Array(width);
      for (const row of rows) for (let i = 0; i < width; i++) mean[i]! += features[row * width + i]!;
      for (let i = 0; i < width; i++) mean[i]! /= count;
      for (const row of rows) {
        for (let i = 0; i < width; i++) {
          const d = features[row * width + i]! - mean[i]!;
          variance[i]! += d * d;
        }
      }
      const stats = computeColumnStats(matrixRows(features, width), rows);
      expect(stats.mean).toEqual(mean);
      expect(stats.inverseStd).toEqual(variance.map((v) => 1 / Math.sqrt(v / count)));
    }
  });

  it('gives zeros for no rows', () => {
    const stats = computeColumnStats(matrixRows(new Float32Array(4), 2), new Int32Array(0));
    expect([...stats.mean, ...stats.inverseStd]).toEqual([0, 0, 0, 0]);
  });
});
