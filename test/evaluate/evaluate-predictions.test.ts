import { describe, expect, it } from 'vitest';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { InputError } from '../../src/errors.js';
import { evaluatePredictions, type ItemPrediction } from '../../src/evaluate/index.js';
import { datasetItem } from './evaluate-fixtures.js';

const classes = ['a', 'b', 'c', 'd'];

/** A prediction whose argmax is `predicted` (scores 0.7 there, the rest shared). */
function predictionOf(item: DatasetItem, predicted: string): ItemPrediction {
  const classScores = Float32Array.from(classes, (name) => (name === predicted ? 0.7 : 0.1));
  return { itemId: item.id, original: { width: 64, height: 64 }, classScores, boxes: [] };
}

// true → predicted, and the meta field the bias figure groups by.
const cases: Array<{ truth: string | null; predicted: string; site?: string | number }> = [
  { truth: 'a', predicted: 'a', site: 'north' },
  { truth: 'a', predicted: 'a', site: 'north' },
  { truth: 'a', predicted: 'b', site: 'north' },
  { truth: 'b', predicted: 'b', site: 'north' },
  { truth: 'b', predicted: 'c', site: 3 },
  { truth: 'c', predicted: 'c', site: 3 },
  { truth: 'c', predicted: 'a' },
  { truth: null, predicted: 'a', site: 'north' },
];
const items = cases.map((c, i) =>
  datasetItem({ id: `item-${i + 1}`, classes: c.truth === null ? [] : [c.truth], meta: c.site === undefined ? {} : { site: c.site } }),
);
const predictions = cases.map((c, i) => predictionOf(items[i]!, c.predicted));

describe('evaluatePredictions: classification', () => {
  const result = evaluatePredictions({ items, predictions, classes, regionClasses: [], biasField: null });

  it('counts the hand-computed confusion matrix, rows true and columns predicted, skipping the unlabelled item', () => {
    expect(result.classification.confusion).toEqual({
      labels: ['a', 'b', 'c', 'd'],
      matrix: [
        [2, 1, 0, 0],
        [0, 1, 1, 0],
        [1, 0, 1, 0],
        [0, 0, 0, 0],
      ],
    });
    expect(result.counts).toEqual({ items: 8, classified: 7, unlabelled: 1 });
  });

  it('computes per-class precision, recall and F1 by hand: a 2/3, b and c 1/2, d (no support) 0', () => {
    const { per_class: perClass } = result.classification;
    expect(perClass.a).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expect(perClass.b).toEqual({ precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
    expect(perClass.c).toEqual({ precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
    expect(perClass.d).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('averages F1 over every class (d counts as 0) but takes the minimum over classes with support', () => {
    expect(result.classification.macro_f1).toBeCloseTo((2 / 3 + 1 / 2 + 1 / 2 + 0) / 4, 15);
    expect(result.classification.min_class_f1).toBe(1 / 2);
    expect(result.classification.accuracy).toBe(4 / 7);
  });

  it('has no detection figure for a model without region classes', () => {
    expect(result.detection).toBeNull();
    expect(result.bias).toBeNull();
  });

  it('predicts the first class on a tie, as numpy argmax', () => {
    const tied = { ...predictions[0]!, classScores: Float32Array.of(0.4, 0.4, 0.1, 0.1) };
    const one = evaluatePredictions({ items: [items[3]!], predictions: [{ ...tied, itemId: items[3]!.id }], classes, regionClasses: [], biasField: null });
    expect(one.classification.confusion.matrix[1]).toEqual([1, 0, 0, 0]);
  });
});

describe('evaluatePredictions: bias', () => {
  const { bias } = evaluatePredictions({ items, predictions, classes, regionClasses: [], biasField: 'site' });

  it('groups the classified items by the meta value, missing values in their own group', () => {
    expect(Object.keys(bias!.groups).sort()).toEqual(['(missing)', '3', 'north']);
    expect(bias!.field).toBe('site');
    // north: truth a a a b, predicted a a b b → F1 a = 4/5, b = 2/3, over the classes present.
    expect(bias!.groups.north).toEqual({ items: 4, macro_f1: (4 / 5 + 2 / 3) / 2 });
    // 3: truth b c, predicted c c → F1 b = 0, c = 2/3.
    expect(bias!.groups['3']).toEqual({ items: 2, macro_f1: (0 + 2 / 3) / 2 });
    // (missing): truth c, predicted a → F1 0 for both.
    expect(bias!.groups['(missing)']).toEqual({ items: 1, macro_f1: 0 });
  });

  it('reports the largest difference between two groups', () => {
    expect(bias!.max_delta).toBe((4 / 5 + 2 / 3) / 2);
  });
});

describe('evaluatePredictions: refusals', () => {
  it('names an item whose class the model does not know', () => {
    const stranger = datasetItem({ id: 'stranger', classes: ['zebra'] });
    expect(() => evaluatePredictions({ items: [stranger], predictions: [predictionOf(stranger, 'a')], classes, regionClasses: [], biasField: null })).toThrow(
      expect.objectContaining({ message: 'item stranger: class "zebra" is not one of the model\'s classes', data: expect.objectContaining({ item: 'stranger' }) }),
    );
  });

  it('refuses predictions that do not line up with the items', () => {
    expect(() => evaluatePredictions({ items, predictions: [...predictions].reverse(), classes, regionClasses: [], biasField: null })).toThrow(InputError);
    expect(() => evaluatePredictions({ items, predictions: predictions.slice(1), classes, regionClasses: [], biasField: null })).toThrow(/8 items but 7 predictions/);
  });

  it('refuses a test split without a single human class', () => {
    expect(() => evaluatePredictions({ items: [items[7]!], predictions: [predictions[7]!], classes, regionClasses: [], biasField: null })).toThrow(
      expect.objectContaining({ data: expect.objectContaining({ rule: 'evaluation-no-labelled-items' }) }),
    );
  });
});
