import type { CocoBoxIndex } from './index-boxes.js';
import { FALSE_POSITIVE, TRUE_POSITIVE } from './match-detections.js';
import { AREA_RANGES, IOU_THRESHOLDS, MAX_DETECTIONS, RECALL_THRESHOLDS, SPACING_OF_ONE } from './params.js';

// Imported bindings are copied once: under a transpiling loader (tsx, vitest) each read of an
// import can be a getter call, which costs more than the arithmetic of the loops below.
const TP = TRUE_POSITIVE;
const FP = FALSE_POSITIVE;
const EPS = SPACING_OF_ONE;

/**
 * pycocotools' `eval['precision']` (T × R × K × A × M) and `eval['recall']` (T × K × A × M),
 * flattened in C order; -1 where a category has no regular ground truth in an area range.
 */
export interface CocoAccumulation {
  precision: Float64Array;
  recall: Float64Array;
  categoryCount: number;
}

/**
 * Precision at the 101 recall points and final recall, as pycocotools' `accumulate()` computes them:
 * each category's detections ranked once by descending score (ties by image id, then rank in the
 * image, which is what numpy's stable sort of the concatenated per-image lists gives), cumulative
 * true and false positives as exact integers, rc = tp / npig, pr = tp / (fp + tp + spacing(1)),
 * the right-to-left max envelope, then searchsorted(rc, recThrs, 'left'), 0 past the last detection.
 */
export function accumulateCoco(index: CocoBoxIndex, outcome: Uint8Array): CocoAccumulation {
  const T = IOU_THRESHOLDS.length;
  const R = RECALL_THRESHOLDS.length;
  const K = index.categoryIds.length;
  const A = AREA_RANGES.length;
  const M = MAX_DETECTIONS.length;
  const detectionCount = index.dtScore.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const curve = new PrecisionCurve(RECALL_THRESHOLDS);

  for (let k = 0; k < K; k++) {
    const firstGroup = index.categoryGroupStart[k]!;
    const endGroup = index.categoryGroupStart[k + 1]!;
    const ranked = rankCategory(index, index.groupDtStart[firstGroup]!, index.groupDtStart[endGroup]!);
    curve.reserve(ranked[M - 1]!.length);
    for (let a = 0; a < A; a++) {
      const npig = countRegularGroundTruth(index, index.groupGtStart[firstGroup]!, index.groupGtStart[endGroup]!, AREA_RANGES[a]!);
      if (npig === 0) continue;
      for (let m = 0; m < M; m++) {
        for (let t = 0; t < T; t++) {
          curve.fill(ranked[m]!, outcome, (a * T + t) * detectionCount, npig);
          recall[((t * K + k) * A + a) * M + m] = curve.finalRecall;
          for (let r = 0; r < R; r++) precision[(((t * R + r) * K + k) * A + a) * M + m] = curve.precisionAt[r]!;
        }
      }
    }
  }
  return { precision, recall, categoryCount: K };
}

/** The category's detections by descending score (ties in index order), once per max-detections cut. */
function rankCategory(index: CocoBoxIndex, from: number, to: number): Int32Array[] {
  const { dtScore, dtRank } = index;
  const ranked = new Int32Array(to - from);
  for (let i = 0; i < ranked.length; i++) ranked[i] = from + i;
  ranked.sort((p, q) => dtScore[q]! - dtScore[p]! || p - q);
  return MAX_DETECTIONS.map((maxDet) => ranked.filter((p) => dtRank[p]! < maxDet));
}

function countRegularGroundTruth(index: CocoBoxIndex, from: number, to: number, [low, high]: readonly [number, number]): number {
  let count = 0;
  for (let g = from; g < to; g++) {
    const area = index.gtArea[g]!;
    if (index.gtCrowd[g] === 0 && area >= low && area <= high) count++;
  }
  return count;
}

/** Scratch buffers for one precision/recall curve, reused across categories and settings. */
class PrecisionCurve {
  readonly precisionAt: Float64Array;
  finalRecall = 0;
  private rc = new Float64Array(256);
  private pr = new Float64Array(256);

  constructor(private readonly recallPoints: Float64Array) {
    this.precisionAt = new Float64Array(recallPoints.length);
  }

  reserve(length: number): void {
    if (length <= this.rc.length) return;
    this.rc = new Float64Array(length);
    this.pr = new Float64Array(length);
  }

  fill(ranked: Int32Array, outcome: Uint8Array, row: number, npig: number): void {
    const { rc, pr, recallPoints, precisionAt } = this;
    const nd = ranked.length;
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < nd; i++) {
      const kind = outcome[row + ranked[i]!];
      if (kind === TP) tp++;
      else if (kind === FP) fp++;
      rc[i] = tp / npig;
      pr[i] = tp / (fp + tp + EPS);
    }
    this.finalRecall = nd > 0 ? rc[nd - 1]! : 0;
    for (let i = nd - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
    let i = 0;
    for (let r = 0; r < recallPoints.length; r++) {
      const threshold = recallPoints[r]!;
      while (i < nd && rc[i]! < threshold) i++;
      precisionAt[r] = i < nd ? pr[i]! : 0;
    }
  }
}
