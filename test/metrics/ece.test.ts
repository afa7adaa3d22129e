import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { applyCalibration, expectedCalibrationError } from '../../src/metrics/ece.js';

describe('expectedCalibrationError', () => {
  it('weighs each bin’s |accuracy − confidence| by its share of the samples', () => {
    const probabilities = [
      [0.9, 0.1], // bin (13/15, 14/15], right
      [0.8, 0.2], // bin (11/15, 12/15]: 0.8 sits on the upper edge, wrong
      [0.3, 0.7], // bin (10/15, 11/15], right
      [0.5, 0.5], // a tie predicts class 0: bin (7/15, 8/15], wrong
      [0.95, 0.05], // bin (14/15, 1], wrong
      [0.99, 0.01], // bin (14/15, 1], right: that bin has accuracy 1/2, confidence 0.97
    ];
    const truth = [0, 1, 1, 1, 1, 0];
    // (0.1 + 0.8 + 0.3 + 0.5) / 6 + (2 / 6) · 0.47 = 2.64 / 6
    expect(expectedCalibrationError(probabilities, truth)).toBeCloseTo(0.44, 14);
  });

  it('puts a confidence on a bin edge in the bin below it', () => {
    // 0.8 is 12/15, the upper edge of (11/15, 12/15]. It shares that bin with 0.74 (both right:
    // accuracy 1, confidence 0.77), while 0.8 + 1e-9 (wrong) opens the next bin:
    // (2/3) · 0.23 + (1/3) · 0.8 = 0.42. Were the edge in the upper bin, it would be 0.2866….
    expect(12 / 15).toBe(0.8);
    const rows = [
      [0.8, 0.2],
      [0.8 + 1e-9, 0.2 - 1e-9],
      [0.74, 0.26],
    ];
    expect(expectedCalibrationError(rows, [0, 1, 0])).toBeCloseTo(0.42, 9);
  });

  it('is 0 for confident, correct predictions', () => {
    expect(expectedCalibrationError([[1, 0], [0, 1]], [0, 1])).toBe(0);
  });

  it('refuses empty or mismatched input', () => {
    expect(() => expectedCalibrationError([], [])).toThrow(InputError);
    expect(() => expectedCalibrationError([[1, 0]], [0, 1])).toThrow(InputError);
  });
});

describe('applyCalibration', () => {
  const half = { x: [0, 1], y: [0, 0.5] };
  const identity = { x: [0, 1], y: [0, 1] };

  it('maps each class score through its model and renormalises the row', () => {
    const [row] = applyCalibration([[0.6, 0.4]], [half, identity]);
    expect(row).toEqual([0.3 / 0.7, 0.4 / 0.7]);
    expect(row![0]! + row![1]!).toBeCloseTo(1, 15);
  });

  it('keeps the uncalibrated row when every calibrated score is 0', () => {
    const floor = { x: [0.5, 1], y: [0, 1] };
    expect(applyCalibration([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [floor, floor, floor])).toEqual([
      [0.2, 0.3, 0.5],
      [0, 0, 1],
    ]);
  });

  it('refuses a row whose class count differs from the models', () => {
    expect(() => applyCalibration([[0.5, 0.5]], [identity])).toThrow(InputError);
  });
});
