import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildClassificationReport } from '../../src/metrics/classification.js';

describe('buildClassificationReport', () => {
  // truth 0 0 0 1 1 2, predicted 0 0 1 1 2 2:
  //   class 0: tp 2, predicted 2, support 3 -> P 1,   R 2/3, F1 4/5
  //   class 1: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
  //   class 2: tp 1, predicted 2, support 1 -> P 1/2, R 1,   F1 2/3
  const truth = [0, 0, 0, 1, 1, 2];
  const predicted = [0, 0, 1, 1, 2, 2];

  it('gives per-class precision, recall, F1 and support, accuracy and the confusion matrix', () => {
    const report = buildClassificationReport(truth, predicted, [0, 1, 2]);
    expect(report.perClass).toEqual([
      { label: 0, precision: 1, recall: 2 / 3, f1: 0.8, support: 3 },
      { label: 1, precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      { label: 2, precision: 0.5, recall: 1, f1: 2 / 3, support: 1 },
    ]);
    expect(report.accuracy).toBe(4 / 6);
    expect(report.macroF1).toBe((0.8 + 0.5 + 2 / 3) / 3);
    expect(report.minClassF1).toBe(0.5);
    expect(report.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('follows the order of the labels given', () => {
    const report = buildClassificationReport(truth, predicted, [2, 0, 1]);
    expect(report.perClass.map((c) => c.label)).toEqual([2, 0, 1]);
    expect(report.confusion).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
  });

  it('scores 0 where a ratio is undefined; such a class lowers macro F1 but not min class F1', () => {
    // Label 3 is never true and never predicted; label 2 is predicted once but never true.
    const report = buildClassificationReport([0, 0, 1], [0, 2, 1], [0, 1, 2, 3]);
    expect(report.perClass.slice(2)).toEqual([
      { label: 2, precision: 0, recall: 0, f1: 0, support: 0 },
      { label: 3, precision: 0, recall: 0, f1: 0, support: 0 },
    ]);
    expect(report.perClass[0]).toEqual({ label: 0, precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(report.macroF1).toBe((2 / 3 + 1 + 0 + 0) / 4);
    expect(report.minClassF1).toBe(2 / 3);
  });

  it('refuses inputs it cannot score', () => {
    expect(() => buildClassificationReport([], [], [0])).toThrow(InputError);
    expect(() => buildClassificationReport([0, 1], [0], [0, 1])).toThrow(InputError);
    expect(() => buildClassificationReport([0, 5], [0, 1], [0, 1])).toThrow(InputError);
    expect(() => buildClassificationReport([0, 1], [0, 1], [0, 1, 0])).toThrow(InputError);
  });
});
