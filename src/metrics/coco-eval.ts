import { accumulateCoco } from './coco/accumulate.js';
import { buildCocoBoxIndex } from './coco/index-boxes.js';
import { matchDetections } from './coco/match-detections.js';
import { perCategoryAP, summarizeCoco } from './coco/summarize.js';
import type { CocoDetection, CocoEvalResult, CocoGroundTruth } from './coco/types.js';

export { parseCocoDetections, parseCocoGroundTruth } from './coco/parse-coco.js';
export { COCO_STAT_NAMES } from './coco/types.js';
export type * from './coco/types.js';

/**
 * COCO bounding-box evaluation with the results of pycocotools' `COCOeval(gt, dt, 'bbox')` at its
 * default parameters (IoU .5:.05:.95, 101 recall points, 1/10/100 detections per image, area ranges
 * all/small/medium/large), the same to the last bit of each precision entry.
 *
 * As in pycocotools: every image and category of the ground truth is evaluated; a ground truth's
 * area is its `area` field (box w × h when absent) and a detection's area is its box w × h; crowd
 * regions (`iscrowd`) are ignored ground truth whose IoU divides by the detection's area; each image
 * keeps its 100 best-scored detections; detections of categories absent from the ground truth are
 * dropped. Unlike pycocotools, an annotation without `iscrowd` counts as 0 instead of failing.
 *
 * @throws InputError when a detection refers to an image that is not in the ground truth.
 */
export function evaluateCocoBoxes(groundTruth: CocoGroundTruth, detections: readonly CocoDetection[]): CocoEvalResult {
  const index = buildCocoBoxIndex(groundTruth, detections);
  const accumulation = accumulateCoco(index, matchDetections(index));
  const aps = perCategoryAP(accumulation);
  return {
    stats: summarizeCoco(accumulation),
    perCategory: index.categoryIds.map((categoryId, k) => ({ categoryId, name: index.categoryNames[k]!, ap: aps[k]! })),
  };
}
