import { InputError } from '../../errors.js';
import { MAX_DETECTIONS_PER_IMAGE } from './params.js';
import type { CocoDetection, CocoGroundTruth } from './types.js';

/**
 * Ground truth and detections in typed arrays, grouped once by (category, image), both in
 * ascending id. Group `g` owns ground truths `[groupGtStart[g], groupGtStart[g + 1])` in input
 * order and detections `[groupDtStart[g], groupDtStart[g + 1])` by descending score (ties in input
 * order), cut to the first 100, as pycocotools' `computeIoU`/`evaluateImg` see them. Category `k`
 * owns groups `[categoryGroupStart[k], categoryGroupStart[k + 1])`, so its boxes are contiguous too.
 * Only (category, image) pairs with a box form a group.
 */
export interface CocoBoxIndex {
  categoryIds: number[];
  categoryNames: string[];
  groupCount: number;
  groupGtStart: Int32Array;
  groupDtStart: Int32Array;
  categoryGroupStart: Int32Array;
  /** `[x, y, w, h]` per ground truth, 4 numbers each. */
  gtBox: Float64Array;
  gtArea: Float64Array;
  gtCrowd: Uint8Array;
  /** pycocotools stores the matched id and reads 0 as "no match": a match with id 0 does not count. */
  gtIdIsZero: Uint8Array;
  dtBox: Float64Array;
  dtArea: Float64Array;
  dtScore: Float64Array;
  /** Position of the detection within its group, 0 for the highest score. */
  dtRank: Int32Array;
}

/** Builds the grouped layout. Detections of unknown categories are dropped, as pycocotools drops them. */
export function buildCocoBoxIndex(groundTruth: CocoGroundTruth, detections: readonly CocoDetection[]): CocoBoxIndex {
  const imageIds = [...new Set(groundTruth.images.map((image) => image.id))].sort((a, b) => a - b);
  const imageIndex = new Map(imageIds.map((id, i) => [id, i]));
  const names = new Map<number, string>();
  // pycocotools indexes categories by id, so a repeated id keeps its last name.
  for (const category of groundTruth.categories) names.set(category.id, category.name);
  const categoryIds = [...names.keys()].sort((a, b) => a - b);
  const categoryIndex = new Map(categoryIds.map((id, k) => [id, k]));
  const imageCount = imageIds.length;

  const gtKeys = new Float64Array(groundTruth.annotations.length);
  const gtSources = new Int32Array(groundTruth.annotations.length);
  let gtKept = 0;
  groundTruth.annotations.forEach((annotation, i) => {
    const image = imageIndex.get(annotation.image_id);
    const category = categoryIndex.get(annotation.category_id);
    if (image === undefined || category === undefined) return;
    gtKeys[gtKept] = category * imageCount + image;
    gtSources[gtKept++] = i;
  });
  const dtKeys = new Float64Array(detections.length);
  const dtScores = new Float64Array(detections.length);
  const dtSources = new Int32Array(detections.length);
  let dtKept = 0;
  detections.forEach((detection, i) => {
    const image = imageIndex.get(detection.image_id);
    if (image === undefined) {
      throw new InputError(`detection ${i} refers to image ${detection.image_id}, which is not in the ground truth`, {
        item: `detections[${i}]`,
        rule: 'detection-image-in-ground-truth',
      });
    }
    const category = categoryIndex.get(detection.category_id);
    if (category === undefined) return;
    dtKeys[dtKept] = category * imageCount + image;
    dtScores[dtKept] = detection.score;
    dtSources[dtKept++] = i;
  });

  const gtOrder = sortedPositions(gtKept, (a, b) => gtKeys[a]! - gtKeys[b]! || a - b);
  const dtOrder = sortedPositions(dtKept, (a, b) => dtKeys[a]! - dtKeys[b]! || dtScores[b]! - dtScores[a]! || a - b);

  const groupCapacity = gtOrder.length + dtOrder.length + 1;
  const index: CocoBoxIndex = {
    categoryIds,
    categoryNames: categoryIds.map((id) => names.get(id)!),
    groupCount: 0,
    groupGtStart: new Int32Array(groupCapacity),
    groupDtStart: new Int32Array(groupCapacity),
    categoryGroupStart: new Int32Array(categoryIds.length + 1),
    gtBox: new Float64Array(4 * gtOrder.length),
    gtArea: new Float64Array(gtOrder.length),
    gtCrowd: new Uint8Array(gtOrder.length),
    gtIdIsZero: new Uint8Array(gtOrder.length),
    dtBox: new Float64Array(4 * dtOrder.length),
    dtArea: new Float64Array(dtOrder.length),
    dtScore: new Float64Array(dtOrder.length),
    dtRank: new Int32Array(dtOrder.length),
  };

  let gi = 0;
  let di = 0;
  let gtCount = 0;
  let dtCount = 0;
  let groups = 0;
  const groupsPerCategory = new Int32Array(categoryIds.length);
  while (gi < gtOrder.length || di < dtOrder.length) {
    const gtKey = gi < gtOrder.length ? gtKeys[gtOrder[gi]!]! : Infinity;
    const dtKey = di < dtOrder.length ? dtKeys[dtOrder[di]!]! : Infinity;
    const key = Math.min(gtKey, dtKey);
    index.groupGtStart[groups] = gtCount;
    index.groupDtStart[groups] = dtCount;
    for (; gi < gtOrder.length && gtKeys[gtOrder[gi]!] === key; gi++, gtCount++) {
      const annotation = groundTruth.annotations[gtSources[gtOrder[gi]!]!]!;
      index.gtBox.set(annotation.bbox, 4 * gtCount);
      index.gtArea[gtCount] = annotation.area ?? annotation.bbox[2]! * annotation.bbox[3]!;
      index.gtCrowd[gtCount] = annotation.iscrowd ? 1 : 0;
      index.gtIdIsZero[gtCount] = annotation.id === 0 ? 1 : 0;
    }
    for (let rank = 0; di < dtOrder.length && dtKeys[dtOrder[di]!] === key; di++, rank++) {
      if (rank >= MAX_DETECTIONS_PER_IMAGE) continue;
      const detection = detections[dtSources[dtOrder[di]!]!]!;
      index.dtBox.set(detection.bbox, 4 * dtCount);
      // pycocotools' loadRes sets a detection's area to its box's w × h.
      index.dtArea[dtCount] = detection.bbox[2]! * detection.bbox[3]!;
      index.dtScore[dtCount] = detection.score;
      index.dtRank[dtCount] = rank;
      dtCount++;
    }
    groupsPerCategory[Math.floor(key / imageCount)]!++;
    groups++;
  }
  index.groupGtStart[groups] = gtCount;
  index.groupDtStart[groups] = dtCount;
  index.groupCount = groups;
  for (let k = 0; k < categoryIds.length; k++) index.categoryGroupStart[k + 1] = index.categoryGroupStart[k]! + groupsPerCategory[k]!;
  return trimDetections(index, dtCount);
}

function sortedPositions(count: number, compare: (a: number, b: number) => number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order.sort(compare);
}

function trimDetections(index: CocoBoxIndex, count: number): CocoBoxIndex {
  if (count === index.dtScore.length) return index;
  return {
    ...index,
    dtBox: index.dtBox.slice(0, 4 * count),
    dtArea: index.dtArea.slice(0, count),
    dtScore: index.dtScore.slice(0, count),
    dtRank: index.dtRank.slice(0, count),
  };
}
