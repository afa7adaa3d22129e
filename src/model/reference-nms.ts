import type { BoxPostprocess } from './model-spec.js';

/** One image's per-cell predictions, the input of the postprocessing. */
export interface CellPredictions {
  /** [cells]: objectness × best region class probability. */
  scores: ArrayLike<number>;
  /** [cells]: best region class. */
  labels: ArrayLike<number>;
  /** [cells × 4]: x, y, width, height in 0–1. */
  boxes: ArrayLike<number>;
}

/** One image's K box rows, highest score first, padded with score 0, label -1 and a zero box. */
export interface SelectedBoxes {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/** IoU test as onnxruntime's NonMaxSuppression computes it: degenerate boxes never suppress. */
function overlapsTooMuch(boxes: ArrayLike<number>, a: number, b: number, threshold: number): boolean {
  const [ax, ay, aw, ah] = [boxes[a * 4]!, boxes[a * 4 + 1]!, boxes[a * 4 + 2]!, boxes[a * 4 + 3]!];
  const [bx, by, bw, bh] = [boxes[b * 4]!, boxes[b * 4 + 1]!, boxes[b * 4 + 2]!, boxes[b * 4 + 3]!];
  const width = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const height = Math.min(ay + ah, by + bh) - Math.max(ay, by);
  if (width <= 0 || height <= 0) return false;
  const intersection = width * height;
  const union = aw * ah + bw * bh - intersection;
  if (aw * ah <= 0 || bw * bh <= 0 || union <= 0) return false;
  return intersection / union > threshold;
}

/**
 * Greedy non-maximum suppression and padding to K rows, with the semantics of the graph's
 * postprocessing (`nms-graph.ts`): candidates score strictly above the threshold, visited highest score
 * first (ties: lower cell first); a box is dropped when its IoU with a kept box of the same label (any
 * label when class-agnostic) exceeds the IoU threshold; at most K are kept.
 */
export function selectBoxes(cells: CellPredictions, postprocess: BoxPostprocess): SelectedBoxes {
  const { iouThreshold, scoreThreshold, maxBoxes } = postprocess;
  const candidates: number[] = [];
  for (let cell = 0; cell < cells.scores.length; cell++) if (cells.scores[cell]! > scoreThreshold) candidates.push(cell);
  candidates.sort((a, b) => cells.scores[b]! - cells.scores[a]! || a - b);

  const kept: number[] = [];
  for (const cell of candidates) {
    const suppressed = kept.some(
      (other) =>
        (postprocess.classAgnostic || cells.labels[other] === cells.labels[cell]) &&
        overlapsTooMuch(cells.boxes, other, cell, iouThreshold),
    );
    if (suppressed) continue;
    if (kept.length === maxBoxes) break;
    kept.push(cell);
  }

  const selected: SelectedBoxes = {
    boxes: new Float32Array(maxBoxes * 4),
    scores: new Float32Array(maxBoxes),
    labels: new Int32Array(maxBoxes).fill(-1),
  };
  kept.forEach((cell, row) => {
    selected.scores[row] = cells.scores[cell]!;
    selected.labels[row] = cells.labels[cell]!;
    for (let i = 0; i < 4; i++) selected.boxes[row * 4 + i] = cells.boxes[cell * 4 + i]!;
  });
  return selected;
}
