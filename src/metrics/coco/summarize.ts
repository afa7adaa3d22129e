import type { CocoAccumulation } from './accumulate.js';
import { AREA_RANGES, IOU_THRESHOLDS, MAX_DETECTIONS, RECALL_THRESHOLDS } from './params.js';
import type { CocoStats } from './types.js';

const ALL = 0;
const SMALL = 1;
const MEDIUM = 2;
const LARGE = 3;
const IOU_50 = 0;
const IOU_75 = 5;

/** The 12 numbers of pycocotools' `summarize()`: means over the defined (> -1) entries, -1 if none. */
export function summarizeCoco(accumulation: CocoAccumulation): CocoStats {
  const last = MAX_DETECTIONS.length - 1;
  const ap = (area: number, maxDet: number, iou?: number) => meanPrecision(accumulation, { area, maxDet, iou });
  const ar = (area: number, maxDet: number) => meanRecall(accumulation, area, maxDet);
  return {
    AP: ap(ALL, last),
    AP50: ap(ALL, last, IOU_50),
    AP75: ap(ALL, last, IOU_75),
    AP_small: ap(SMALL, last),
    AP_medium: ap(MEDIUM, last),
    AP_large: ap(LARGE, last),
    AR1: ar(ALL, 0),
    AR10: ar(ALL, 1),
    AR100: ar(ALL, last),
    AR_small: ar(SMALL, last),
    AR_medium: ar(MEDIUM, last),
    AR_large: ar(LARGE, last),
  };
}

/**
 * AP@[.5:.95] of each category at area all and 100 detections: the mean of its defined precision
 * entries over thresholds and recall points (what detectron2 and friends report per class).
 */
export function perCategoryAP(accumulation: CocoAccumulation): number[] {
  const out: number[] = [];
  for (let k = 0; k < accumulation.categoryCount; k++) {
    out.push(meanPrecision(accumulation, { area: ALL, maxDet: MAX_DETECTIONS.length - 1, category: k }));
  }
  return out;
}

function meanPrecision(
  { precision, categoryCount: K }: CocoAccumulation,
  at: { area: number; maxDet: number; iou?: number; category?: number },
): number {
  const A = AREA_RANGES.length;
  const M = MAX_DETECTIONS.length;
  const R = RECALL_THRESHOLDS.length;
  const mean = new DefinedMean();
  // C order of the sliced array: threshold, then recall point, then category.
  for (let t = 0; t < IOU_THRESHOLDS.length; t++) {
    if (at.iou !== undefined && t !== at.iou) continue;
    for (let r = 0; r < R; r++) {
      for (let k = 0; k < K; k++) {
        if (at.category !== undefined && k !== at.category) continue;
        mean.add(precision[(((t * R + r) * K + k) * A + at.area) * M + at.maxDet]!);
      }
    }
  }
  return mean.value();
}

function meanRecall({ recall, categoryCount: K }: CocoAccumulation, area: number, maxDet: number): number {
  const A = AREA_RANGES.length;
  const M = MAX_DETECTIONS.length;
  const mean = new DefinedMean();
  for (let t = 0; t < IOU_THRESHOLDS.length; t++) {
    for (let k = 0; k < K; k++) mean.add(recall[((t * K + k) * A + area) * M + maxDet]!);
  }
  return mean.value();
}

/** The mean of the values > -1, -1 when there are none: numpy's `np.mean(s[s > -1])`. */
class DefinedMean {
  private values: number[] = [];

  add(value: number): void {
    if (value > -1) this.values.push(value);
  }

  value(): number {
    return this.values.length === 0 ? -1 : pairwiseSum(this.values, 0, this.values.length) / this.values.length;
  }
}

/**
 * numpy's pairwise summation (what `np.add.reduce`, hence `np.mean`, does on a contiguous float64
 * array): blocks of at most 128 summed in 8 interleaved accumulators, halves (cut at a multiple of 8)
 * summed recursively. Summing in the same order gives the same last bits as pycocotools.
 */
export function pairwiseSum(values: readonly number[], from: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let i = from; i < from + count; i++) sum += values[i]!;
    return sum;
  }
  if (count <= 128) {
    const r = values.slice(from, from + 8);
    let i = 8;
    for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += values[from + i + j]!;
    let sum = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < count; i++) sum += values[from + i]!;
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, from, half) + pairwiseSum(values, from + half, count - half);
}
