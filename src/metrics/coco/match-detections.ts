import { fillBoxIous } from './box-iou.js';
import type { CocoBoxIndex } from './index-boxes.js';
import { AREA_RANGES, IOU_CEILING, IOU_THRESHOLDS } from './params.js';

/** How a detection counts at one (area range, IoU threshold). */
export const FALSE_POSITIVE = 0;
export const TRUE_POSITIVE = 1;
export const IGNORED = 2;

/**
 * Greedy matching of pycocotools' `evaluateImg`, for every group, area range and IoU threshold.
 * Returns the outcome of detection `p` at area range `a` and threshold `t` at
 * `((a * T) + t) * detectionCount + p`. Within a group, ground truths outside the area range or
 * crowd are "ignored" and tried last; a detection takes the best remaining match at or above the
 * threshold (a later ground truth wins a tie), prefers a regular one over an ignored one, and a crowd
 * region may absorb several detections. An unmatched detection outside the area range is ignored.
 */
export function matchDetections(index: CocoBoxIndex): Uint8Array {
  // Imported bindings are read once: under a transpiling loader (tsx, vitest) each read of an
  // import can be a getter call, which costs more than the arithmetic of the loops below.
  const [thresholds, areaRanges, ceiling] = [IOU_THRESHOLDS, AREA_RANGES, IOU_CEILING];
  const { groupGtStart, groupDtStart, gtArea, gtCrowd, gtIdIsZero, dtArea } = index;
  const T = thresholds.length;
  const detectionCount = index.dtScore.length;
  const outcome = new Uint8Array(areaRanges.length * T * detectionCount);
  let ious = new Float64Array(64);
  let ignored = new Uint8Array(16);
  let order = new Int32Array(16);
  let taken = new Uint8Array(16);

  for (let group = 0; group < index.groupCount; group++) {
    const gtFrom = groupGtStart[group]!;
    const G = groupGtStart[group + 1]! - gtFrom;
    const dtFrom = groupDtStart[group]!;
    const D = groupDtStart[group + 1]! - dtFrom;
    if (D === 0) continue;
    if (G > ignored.length) {
      ignored = new Uint8Array(2 * G);
      order = new Int32Array(2 * G);
      taken = new Uint8Array(2 * G);
    }
    if (D * G > ious.length) ious = new Float64Array(2 * D * G);
    if (G > 0) fillBoxIous(index.dtBox, dtFrom, D, index.gtBox, gtFrom, G, gtCrowd, ious);

    for (let a = 0; a < areaRanges.length; a++) {
      const [low, high] = areaRanges[a]!;
      // Stable partition: regular ground truths first, then ignored ones, each in input order.
      let regular = 0;
      for (let g = 0; g < G; g++) {
        const area = gtArea[gtFrom + g]!;
        ignored[g] = gtCrowd[gtFrom + g] === 1 || area < low || area > high ? 1 : 0;
        if (ignored[g] === 0) order[regular++] = g;
      }
      for (let g = 0, next = regular; g < G; g++) if (ignored[g] === 1) order[next++] = g;

      for (let t = 0; t < T; t++) {
        const row = (a * T + t) * detectionCount + dtFrom;
        taken.fill(0, 0, G);
        for (let d = 0; d < D; d++) {
          let best = Math.min(thresholds[t]!, ceiling);
          let match = -1;
          for (let position = 0; position < G; position++) {
            const g = order[position]!;
            if (taken[position] === 1 && gtCrowd[gtFrom + g] === 0) continue;
            if (match > -1 && ignored[order[match]!] === 0 && ignored[g] === 1) break;
            const iou = ious[d * G + g]!;
            if (iou < best) continue;
            best = iou;
            match = position;
          }
          let counted = false;
          let matchIgnored = false;
          if (match > -1) {
            const g = order[match]!;
            taken[match] = 1;
            matchIgnored = ignored[g] === 1;
            counted = gtIdIsZero[gtFrom + g] === 0;
          }
          const area = dtArea[dtFrom + d]!;
          const outside = area < low || area > high;
          outcome[row + d] = matchIgnored || (!counted && outside) ? IGNORED : counted ? TRUE_POSITIVE : FALSE_POSITIVE;
        }
      }
    }
  }
  return outcome;
}
