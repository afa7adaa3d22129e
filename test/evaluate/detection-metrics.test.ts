import { describe, expect, it } from 'vitest';
import { buildCocoEvaluation, buildDetectionMetrics, type ItemPrediction } from '../../src/evaluate/index.js';
import { evaluateCocoBoxes } from '../../src/metrics/coco-eval.js';
import { datasetItem } from './evaluate-fixtures.js';

const regionClasses = ['dot', 'bar'];
const items = [
  datasetItem({
    id: 'wide',
    size: { width: 640, height: 480 },
    regions: [
      { label: 'dot', x: 0.1, y: 0.1, width: 0.1, height: 0.1 },
      // Rotated 30°: evaluated as its axis-aligned envelope, as the model is trained.
      { label: 'bar', x: 0.5, y: 0.5, width: 0.2, height: 0.1, rotation: 30, envelope: { x: 0.45, y: 0.5, width: 0.3, height: 0.25 } },
    ],
  }),
  // No recorded size: boxes are measured in the decoded image's pixels.
  datasetItem({ id: 'unsized', size: null, regions: [{ label: 'dot', x: 0.2, y: 0.2, width: 0.1, height: 0.2 }] }),
  datasetItem({ id: 'empty', size: { width: 64, height: 64 } }),
];
const box = (label: string, score: number, x: number, y: number, width: number, height: number) => ({ label, score, x, y, width, height });
const prediction = (itemId: string, original: { width: number; height: number }, boxes: ItemPrediction['boxes']): ItemPrediction => ({
  itemId,
  original,
  classScores: new Float32Array(0),
  boxes,
});
const predictions = [
  prediction('wide', { width: 640, height: 480 }, [box('dot', 0.9, 0.1, 0.1, 0.1, 0.1), box('bar', 0.8, 0.45, 0.5, 0.3, 0.25), box('bar', 0.3, 0.5, 0.5, 0.2, 0.1)]),
  prediction('unsized', { width: 100, height: 50 }, [box('dot', 0.7, 0.21, 0.2, 0.1, 0.2)]),
  prediction('empty', { width: 64, height: 64 }, [box('dot', 0.95, 0, 0, 0.4, 0.4)]),
];

describe('buildDetectionMetrics', () => {
  it('equals pycocotools-equivalent evaluation of the same boxes written by hand in pixels', () => {
    const direct = evaluateCocoBoxes(
      {
        images: [{ id: 1 }, { id: 2 }, { id: 3 }],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [64, 48, 64, 48], area: 3072, iscrowd: 0 },
          { id: 2, image_id: 1, category_id: 2, bbox: [288, 240, 192, 120], area: 23040, iscrowd: 0 },
          { id: 3, image_id: 2, category_id: 1, bbox: [20, 10, 10, 10], area: 100, iscrowd: 0 },
        ],
        categories: [
          { id: 1, name: 'dot' },
          { id: 2, name: 'bar' },
        ],
      },
      [
        { image_id: 1, category_id: 1, bbox: [64, 48, 64, 48], score: 0.9 },
        { image_id: 1, category_id: 2, bbox: [288, 240, 192, 120], score: 0.8 },
        { image_id: 1, category_id: 2, bbox: [320, 240, 128, 48], score: 0.3 },
        { image_id: 2, category_id: 1, bbox: [21, 10, 10, 10], score: 0.7 },
        { image_id: 3, category_id: 1, bbox: [0, 0, 25.6, 25.6], score: 0.95 },
      ],
    );
    const metrics = buildDetectionMetrics(items, predictions, regionClasses);
    const s = direct.stats;
    const expected = [s.AP, s.AP50, s.AP75, s.AP_small, s.AP_medium, s.AP_large, s.AR1, s.AR10, s.AR100, s.AR_small, s.AR_medium, s.AR_large];
    const actual = [metrics.ap, metrics.ap50, metrics.ap75, metrics.ap_small, metrics.ap_medium, metrics.ap_large, metrics.ar1, metrics.ar10, metrics.ar100, metrics.ar_small, metrics.ar_medium, metrics.ar_large];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
    expect(Object.keys(metrics.per_class_ap)).toEqual(['dot', 'bar']);
    expect(metrics.per_class_ap.dot).toBeCloseTo(direct.perCategory[0]!.ap, 12);
    expect(metrics.per_class_ap.bar).toBeCloseTo(direct.perCategory[1]!.ap, 12);
  });

  it('puts each box in the COCO size bucket of its area in pixels of the original image', () => {
    const { groundTruth } = buildCocoEvaluation(items, predictions, regionClasses);
    expect(groundTruth.annotations.map((annotation) => annotation.area)).toEqual([64 * 48, 192 * 120, 10 * 10]);
    const metrics = buildDetectionMetrics(items, predictions, regionClasses);
    // small (< 32²): the unsized dot; medium: the wide dot (64×48); large (≥ 96²): the bar's envelope.
    expect(metrics.ap_small).toBeGreaterThanOrEqual(0);
    expect(metrics.ap_medium).toBeCloseTo(1, 12);
    expect(metrics.ap_large).toBeCloseTo(1, 12);
  });

  it('matches a rotated region by its envelope: the box on the envelope is the hit', () => {
    const metrics = buildDetectionMetrics(items, predictions, regionClasses);
    expect(metrics.per_class_ap.bar).toBeCloseTo(1, 12);
  });

  it('gives −1 to a region class without ground truth', () => {
    const metrics = buildDetectionMetrics([items[2]!], [predictions[2]!], regionClasses);
    expect(metrics.per_class_ap).toEqual({ dot: -1, bar: -1 });
    expect(metrics.ap).toBe(-1);
  });

  it('names an item whose region class the model does not know', () => {
    const odd = datasetItem({ id: 'odd', regions: [{ label: 'ring', x: 0, y: 0, width: 1, height: 1 }] });
    expect(() => buildDetectionMetrics([odd], [prediction('odd', { width: 64, height: 64 }, [])], regionClasses)).toThrow(
      'item odd: region class "ring" is not one of the model\'s region classes',
    );
  });
});
