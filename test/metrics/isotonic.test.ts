import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fitIsotonic, parseIsotonicModel, predictIsotonic, predictIsotonicAll } from '../../src/metrics/isotonic.js';
import { sortPoints } from '../../src/metrics/isotonic/sort-points.js';
import { ISOTONIC_CASES, readIsotonicCase } from './fixtures.js';

describe('fitIsotonic against scikit-learn', () => {
  for (const name of ISOTONIC_CASES) {
    it(`reproduces the predictions and thresholds of ${name}`, () => {
      const reference = readIsotonicCase(name);
      const unweighted = fitIsotonic(reference.x, reference.y);
      const weighted = fitIsotonic(reference.x, reference.y, reference.weights);
      expectAllClose(Array.from(predictIsotonicAll(unweighted, reference.query)), reference.predictUnweighted);
      expectAllClose(Array.from(predictIsotonicAll(weighted, reference.query)), reference.predictWeighted);
      expectAllClose(unweighted.x, reference.thresholds.x);
      expectAllClose(unweighted.y, reference.thresholds.y);
    });
  }
});

describe('fitIsotonic on hand-computed cases', () => {
  it('pools a violating pair into its mean and interpolates between breakpoints', () => {
    const model = fitIsotonic([1, 2, 3], [1, 0, 1]);
    expect(model).toEqual({ x: [1, 2, 3], y: [0.5, 0.5, 1] });
    expect([0, 1.5, 2.5, 3, 9].map((v) => predictIsotonic(model, v))).toEqual([0.5, 0.5, 0.75, 1, 1]);
  });

  it('merges equal x by weighted mean and summed weight before pooling', () => {
    // x = 1 becomes y = (0·1 + 1·3) / 4 = 0.75 with weight 4; pooled with (2, 0, weight 1): 3 / 5.
    expect(fitIsotonic([1, 2, 1], [0, 0, 1], [1, 1, 3])).toEqual({ x: [1, 2], y: [0.6, 0.6] });
  });

  it('treats x closer than 1e-15 to its group start as the same x, as scikit-learn does', () => {
    const nearlyHalf = 0.5 + Number.EPSILON / 2; // the next double after 0.5
    expect(nearlyHalf).not.toBe(0.5);
    expect(fitIsotonic([0.5, nearlyHalf, 0.7], [0, 1, 1])).toEqual({ x: [0.5, 0.7], y: [0.5, 1] });
  });

  it('drops points without positive weight', () => {
    expect(fitIsotonic([1, 2, 3], [1, 0, 1], [1, 0, -2])).toEqual({ x: [1], y: [1] });
  });

  it('keeps only the ends of a constant stretch', () => {
    expect(fitIsotonic([1, 2, 3, 4, 5], [0, 0, 0, 1, 1])).toEqual({ x: [1, 3, 4, 5], y: [0, 0, 1, 1] });
  });

  it('predicts a constant from a single point and passes NaN through', () => {
    const model = fitIsotonic([3, 3], [0.2, 0.4]);
    expect(model.x).toEqual([3]);
    expect(model.y[0]).toBeCloseTo(0.3, 15);
    expect(predictIsotonic(model, -1)).toBe(model.y[0]);
    expect(predictIsotonic(model, Number.NaN)).toBeNaN();
  });

  it('refuses empty, mismatched and non-finite input', () => {
    expect(() => fitIsotonic([], [])).toThrow(InputError);
    expect(() => fitIsotonic([1], [1], [0])).toThrow(InputError);
    expect(() => fitIsotonic([1, 2], [1])).toThrow(InputError);
    expect(() => fitIsotonic([1, Number.NaN], [1, 1])).toThrow(InputError);
  });
});

describe('the fitted model', () => {
  it('survives JSON and is validated when read back', () => {
    const model = fitIsotonic([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1]);
    expect(parseIsotonicModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
    expect(() => parseIsotonicModel({ x: [0.2, 0.1], y: [0, 1] })).toThrow(InputError);
    expect(() => parseIsotonicModel({ x: [0.1], y: [0, 1] })).toThrow(InputError);
    expect(() => parseIsotonicModel({ x: [], y: [] })).toThrow(InputError);
    expect(() => parseIsotonicModel({ x: ['0.1'], y: [1] })).toThrow(InputError);
  });

  it('is non-decreasing and stays within the range of y', () => {
    const point = fc.record({ x: fc.integer({ min: -20, max: 20 }), y: fc.double({ min: -5, max: 5, noNaN: true }), w: fc.double({ min: 0.01, max: 3, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 60 }), fc.array(fc.double({ min: -30, max: 30, noNaN: true })), (points, queries) => {
        const model = fitIsotonic(points.map((p) => p.x / 4), points.map((p) => p.y), points.map((p) => p.w));
        const low = Math.min(...points.map((p) => p.y));
        const high = Math.max(...points.map((p) => p.y));
        for (let i = 1; i < model.x.length; i++) {
          expect(model.x[i]).toBeGreaterThan(model.x[i - 1]!);
          expect(model.y[i]).toBeGreaterThanOrEqual(model.y[i - 1]!);
        }
        const sorted = [...queries].sort((a, b) => a - b).map((q) => predictIsotonic(model, q));
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]).toBeGreaterThanOrEqual(sorted[i - 1]! - 1e-12);
        for (const value of sorted) expect(value >= low - 1e-12 && value <= high + 1e-12).toBe(true);
      }),
      { seed: 20240601, numRuns: 200 },
    );
  });
});

describe('sortPoints', () => {
  it('orders as np.lexsort((y, x)) does: x, then y, then input order', () => {
    // Values built to hit every path: equal x with two or more labels in long runs, x that share
    // their high 32 bits, -0 beside +0, negatives and infinities.
    const xValue = fc.oneof(
      fc.integer({ min: -3, max: 3 }).map((k) => k / 2),
      fc.integer({ min: 0, max: 40 }).map((k) => 1 + k * Number.EPSILON),
      fc.constantFrom(-0, 0, -Infinity, Infinity, 1e-310),
      fc.double({ noNaN: true }),
    );
    const point = fc.record({ x: xValue, y: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -2, max: 2 })) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 400 }), (points) => {
        const weights = points.map((_, i) => i + 1);
        const { records, stride, count } = sortPoints(points.map((p) => p.x), points.map((p) => p.y), weights);
        const expected = points.map((p, i) => ({ ...p, i })).sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : a.y - b.y || a.i - b.i));
        expect(stride).toBe(3);
        expect(count).toBe(points.length);
        expect(Array.from({ length: count }, (_, k) => records[3 * k + 2]! - 1)).toEqual(expected.map((p) => p.i));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('settles long runs of one x with two labels stably', () => {
    const x = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.25 : 0.75));
    const y = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const w = x.map((_, i) => i + 1);
    const { records } = sortPoints(x, y, w);
    const order = Array.from({ length: 200 }, (_, k) => records[3 * k + 2]! - 1);
    const expected = [...order.keys()].sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]! || a - b);
    expect(order).toEqual(expected);
  });
});

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const worst = actual.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
  expect(worst).toBeLessThan(1e-9);
}
