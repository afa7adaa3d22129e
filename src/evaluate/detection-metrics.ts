import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import type { TrainingMetrics } from '../artifacts/schemas/model.js';
import { InputError } from '../errors.js';
import { evaluateCocoBoxes, type CocoDetection, type CocoGroundTruth } from '../metrics/coco-eval.js';
import { imageSizeOf, truthBoxesOf } from './ground-truth.js';
import type { ItemPrediction } from './predict-items.js';

export type DetectionMetrics = NonNullable<TrainingMetrics['detection']>;

/**
 * The items and predictions as a COCO evaluation: image `i + 1` is `items[i]` (every item counts, so
 * boxes on an image without regions are false positives), category `k + 1` is `regionClasses[k]`.
 * Boxes are in pixels of the image the annotator saw (`imageSizeOf`): IoU does not depend on the
 * scale, but COCO's area ranges do (small < 32², medium < 96² ≤ large, in pixels), so a box's area is
 * its width × height in those pixels. A rotated region counts as its axis-aligned envelope; nothing is
 * a crowd region.
 *
 * @throws InputError naming the item when a region's class is not in `regionClasses`.
 */
export function buildCocoEvaluation(
  items: readonly DatasetItem[],
  predictions: readonly ItemPrediction[],
  regionClasses: readonly string[],
): { groundTruth: CocoGroundTruth; detections: CocoDetection[] } {
  const category = new Map(regionClasses.map((name, k) => [name, k + 1]));
  const groundTruth: { images: CocoGroundTruth['images'][number][]; annotations: CocoGroundTruth['annotations'][number][] } = { images: [], annotations: [] };
  const detections: CocoDetection[] = [];
  items.forEach((item, i) => {
    const prediction = predictions[i]!;
    const { width, height } = imageSizeOf(item, prediction.original);
    const bbox = (box: { x: number; y: number; width: number; height: number }): number[] => [box.x * width, box.y * height, box.width * width, box.height * height];
    groundTruth.images.push({ id: i + 1, width, height });
    for (const box of truthBoxesOf(item)) {
      const categoryId = category.get(box.label);
      if (categoryId === undefined) {
        throw new InputError(`item ${item.id}: region class "${box.label}" is not one of the model's region classes`, { item: item.id, rule: 'unknown-class', label: box.label });
      }
      const pixels = bbox(box);
      groundTruth.annotations.push({ id: groundTruth.annotations.length + 1, image_id: i + 1, category_id: categoryId, bbox: pixels, area: pixels[2]! * pixels[3]!, iscrowd: 0 });
    }
    for (const box of prediction.boxes) detections.push({ image_id: i + 1, category_id: category.get(box.label)!, bbox: bbox(box), score: box.score });
  });
  return { groundTruth: { ...groundTruth, categories: regionClasses.map((name, k) => ({ id: k + 1, name })) }, detections };
}

/** The `detection` body of `metrics.json`: pycocotools' 12 numbers and AP@[.5:.95] per region class (−1 without ground truth). */
export function buildDetectionMetrics(items: readonly DatasetItem[], predictions: readonly ItemPrediction[], regionClasses: readonly string[]): DetectionMetrics {
  const { groundTruth, detections } = buildCocoEvaluation(items, predictions, regionClasses);
  const { stats, perCategory } = evaluateCocoBoxes(groundTruth, detections);
  return {
    ap: stats.AP,
    ap50: stats.AP50,
    ap75: stats.AP75,
    ap_small: stats.AP_small,
    ap_medium: stats.AP_medium,
    ap_large: stats.AP_large,
    ar1: stats.AR1,
    ar10: stats.AR10,
    ar100: stats.AR100,
    ar_small: stats.AR_small,
    ar_medium: stats.AR_medium,
    ar_large: stats.AR_large,
    per_class_ap: Object.fromEntries(perCategory.map((entry) => [entry.name, entry.ap])),
  };
}
