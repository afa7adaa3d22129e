import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { COCO_STAT_NAMES, evaluateCocoBoxes, type CocoAnnotation, type CocoDetection, type CocoGroundTruth } from '../../src/metrics/coco-eval.js';
import { COCO_CASES, readCocoCase } from './fixtures.js';

// 1 / (1 + np.spacing(1)): pycocotools' precision of a lone true positive is not exactly 1. The
// means are numpy's (pairwise summation): over 1010 entries it stays, over the 101 of one IoU
// threshold it rounds up by one ulp.
const ONE_TP = 1 / (1 + Number.EPSILON);
const ONE_TP_MEAN_OF_101 = 0.9999999999999999;

describe('evaluateCocoBoxes against pycocotools', () => {
  for (const name of COCO_CASES) {
    it(`reproduces the 12 stats and every per-category AP of ${name}`, () => {
      const reference = readCocoCase(name);
      const result = evaluateCocoBoxes(reference.groundTruth, reference.detections);
      for (const stat of COCO_STAT_NAMES) {
        expect(Math.abs(result.stats[stat] - reference.stats[stat]), stat).toBeLessThan(1e-9);
      }
      expect(result.perCategory.map((c) => c.categoryId)).toEqual([...reference.perClassAP.keys()].sort((a, b) => a - b));
      for (const { categoryId, ap } of result.perCategory) {
        expect(Math.abs(ap - reference.perClassAP.get(categoryId)!), `category ${categoryId}`).toBeLessThan(1e-9);
      }
    });
  }
});

describe('evaluateCocoBoxes on hand-computed cases', () => {
  it('scores one perfect small box as AP 1/(1+eps) and leaves the empty area ranges at -1', () => {
    const { stats, perCategory } = evaluateCocoBoxes(truth([gt(1, 1, [0, 0, 10, 10])]), [dt(1, [0, 0, 10, 10], 0.9)]);
    expect(stats).toEqual({
      AP: ONE_TP, AP50: ONE_TP_MEAN_OF_101, AP75: ONE_TP_MEAN_OF_101, AP_small: ONE_TP, AP_medium: -1, AP_large: -1,
      AR1: 1, AR10: 1, AR100: 1, AR_small: 1, AR_medium: -1, AR_large: -1,
    });
    expect(perCategory).toEqual([{ categoryId: 1, name: 'thing', ap: ONE_TP }, { categoryId: 2, name: 'other', ap: -1 }]);
  });

  it('ranks tied scores by image id, then by input order within an image', () => {
    // A false positive in image 1 and a true positive in image 2 at the same score: image 1 first,
    // so precision is 0 then 1/2, and the envelope gives 1/2 up to recall 0.5 (51 of 101 points).
    const groundTruth = truth([gt(1, 1, [0, 0, 10, 10]), gt(2, 2, [0, 0, 10, 10])]);
    const tied = [dt(2, [0, 0, 10, 10], 0.5), dt(1, [20, 20, 5, 5], 0.5)];
    expect(evaluateCocoBoxes(groundTruth, tied).stats.AP).toBe(25.5 / 101);
    expect(evaluateCocoBoxes(groundTruth, tied).stats.AR100).toBe(0.5);
    // The same two with the true positive scored higher: precision 1 at recall 0.5.
    const ordered = [dt(2, [0, 0, 10, 10], 0.6), dt(1, [20, 20, 5, 5], 0.5)];
    expect(evaluateCocoBoxes(groundTruth, ordered).stats.AP).toBe((51 * ONE_TP) / 101);
  });

  it('lets a crowd region absorb any number of detections, measured against the detection area', () => {
    const groundTruth = truth([gt(1, 1, [0, 0, 10, 10]), { ...gt(2, 1, [100, 100, 50, 50]), iscrowd: 1 }]);
    const detections = [dt(1, [0, 0, 10, 10], 0.9), dt(1, [110, 110, 10, 10], 0.8), dt(1, [120, 120, 10, 10], 0.7)];
    const { stats } = evaluateCocoBoxes(groundTruth, detections);
    expect(stats.AP).toBe(ONE_TP);
    expect(stats.AR100).toBe(1);
    // The crowd region (area 2500) is the only medium object, and it is ignored: no medium figures.
    expect(stats.AP_medium).toBe(-1);
  });

  it('keeps the 100 best detections per image and category', () => {
    const groundTruth = truth([gt(1, 1, [0, 0, 10, 10])]);
    const misses = (count: number) => Array.from({ length: count }, (_, i) => dt(1, [500 + i, 500, 10, 10], 0.9));
    const cut = evaluateCocoBoxes(groundTruth, [...misses(100), dt(1, [0, 0, 10, 10], 0.1)]);
    expect([cut.stats.AP, cut.stats.AR100]).toEqual([0, 0]);
    const kept = evaluateCocoBoxes(groundTruth, [...misses(99), dt(1, [0, 0, 10, 10], 0.1)]);
    // Precision 1/(100 + eps) = 0.01 at every recall point; numpy's mean of 1010 of them is 0.010000000000000002.
    expect([kept.stats.AP, kept.stats.AR1, kept.stats.AR10, kept.stats.AR100]).toEqual([0.010000000000000002, 0, 0, 1]);
    // Other categories' detections do not count against the 100.
    const otherCategory = misses(100).map((d) => ({ ...d, category_id: 2 }));
    expect(evaluateCocoBoxes(groundTruth, [...otherCategory, dt(1, [0, 0, 10, 10], 0.1)]).stats.AR100).toBe(1);
  });

  it('takes a ground truth area from its area field, not from its box', () => {
    // A 40 x 40 box labelled as a 500 px polygon is a small object.
    const { stats } = evaluateCocoBoxes(truth([{ ...gt(1, 1, [0, 0, 40, 40]), area: 500 }]), [dt(1, [0, 0, 40, 40], 0.9)]);
    expect([stats.AP_small, stats.AP_medium]).toEqual([ONE_TP, -1]);
  });

  it('reads a match to annotation id 0 as no match, as pycocotools does', () => {
    const { stats } = evaluateCocoBoxes(truth([{ ...gt(1, 1, [0, 0, 10, 10]), id: 0 }]), [dt(1, [0, 0, 10, 10], 0.9)]);
    expect([stats.AP, stats.AR100]).toEqual([0, 0]);
  });

  it('drops detections of unknown categories and refuses detections of unknown images', () => {
    const groundTruth = truth([gt(1, 1, [0, 0, 10, 10])]);
    const stray = { ...dt(1, [50, 50, 10, 10], 0.99), category_id: 42 };
    expect(evaluateCocoBoxes(groundTruth, [stray, dt(1, [0, 0, 10, 10], 0.5)]).stats.AP).toBe(ONE_TP);
    expect(() => evaluateCocoBoxes(groundTruth, [{ ...dt(1, [0, 0, 10, 10], 0.5), image_id: 9 }])).toThrow(InputError);
  });
});

function truth(annotations: CocoAnnotation[]): CocoGroundTruth {
  return {
    images: [1, 2].map((id) => ({ id, width: 640, height: 480 })),
    annotations,
    categories: [
      { id: 1, name: 'thing' },
      { id: 2, name: 'other' },
    ],
  };
}

function gt(id: number, imageId: number, bbox: number[]): CocoAnnotation {
  return { id, image_id: imageId, category_id: 1, bbox, area: bbox[2]! * bbox[3]!, iscrowd: 0 };
}

function dt(imageId: number, bbox: number[], score: number): CocoDetection {
  return { image_id: imageId, category_id: 1, bbox, score };
}
