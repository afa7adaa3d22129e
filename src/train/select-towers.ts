/**
 * Which extractor towers the heads read. The colour tower suits saturated objects on busy grey
 * backgrounds (the demo), the luminance tower grey scans and photographs; on the demo, a head on both
 * fits the luminance tower's background texture and loses 0.09 macro F1 (decision 0004). So the
 * trainer measures: it fits the class head on a subsample of the labelled items for each single tower
 * whose features vary and for all of them, scores each on held-out items (every fifth) by weighted
 * cross-entropy, and keeps the best; all towers win ties. Both heads then read only the kept towers (the others' columns
 * are masked to zero, so their weights are exactly zero). Deterministic: fixed subsample, fixed seeds.
 */
import { createPrng } from '../model/prng.js';
import { HEAD_WINDOW } from '../model/cell-neighbourhood.js';
import type { FeatureRows } from './feature-rows.js';
import { fitDense, type DenseProblem } from './fit-dense.js';
import { computeColumnStats } from './standardise.js';
import type { FitConfig } from './train-config.js';

/** The features one tower contributes: its image features and its grid map channels, in extractor order. */
export interface TowerShape {
  name: string;
  imageFeatures: number;
  cellChannels: number;
}

/** The most labelled rows the selection fits on: enough to rank the candidates, cheap next to the real fit. */
export const SELECTION_ROWS = 6000;
const HOLD_OUT_EVERY = 5;

/** A view of `rows` with the columns outside `keep` read as zero. */
export function maskColumns(rows: FeatureRows, keep: Uint8Array): FeatureRows {
  if (keep.every((k) => k === 1)) return rows;
  return {
    width: rows.width,
    read(row, into) {
      rows.read(row, into);
      for (let i = 0; i < keep.length; i++) if (keep[i] === 0) into[i] = 0;
    },
  };
}

/** Image feature columns of the kept towers. */
export function imageColumnMask(towers: readonly TowerShape[], kept: readonly boolean[]): Uint8Array {
  return Uint8Array.from(towers.flatMap((tower, t) => new Array<number>(tower.imageFeatures).fill(kept[t] ? 1 : 0)));
}

/** Grid head input columns (window position, channel) of the kept towers. */
export function cellColumnMask(towers: readonly TowerShape[], kept: readonly boolean[]): Uint8Array {
  const channels = towers.flatMap((tower, t) => new Array<number>(tower.cellChannels).fill(kept[t] ? 1 : 0));
  return Uint8Array.from({ length: HEAD_WINDOW * HEAD_WINDOW * channels.length }, (_, i) => channels[i % channels.length]!);
}

/**
 * Picks the towers for `problem` (the class head's problem on all image features): returns one flag
 * per tower. `rowWeights` are the problem's row weights, by position in `problem.rows`.
 */
export function selectTowers(problem: DenseProblem, rowWeights: Float64Array, towers: readonly TowerShape[], config: FitConfig, seed: number): boolean[] {
  const all = towers.map(() => true);
  if (towers.length < 2) return all;
  const stride = Math.max(1, Math.ceil(problem.rows.length / SELECTION_ROWS));
  const positions = Array.from({ length: Math.ceil(problem.rows.length / stride) }, (_, k) => k * stride);
  const fitPositions = Int32Array.from(positions.filter((_, k) => k % HOLD_OUT_EVERY !== HOLD_OUT_EVERY - 1));
  const heldOut = positions.filter((_, k) => k % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1);
  if (heldOut.length === 0) return all;
  // A tower whose features never vary (the colour tower on grey images) cannot be chosen alone: a
  // head on it predicts the class prior, which can beat an overfit head on held-out loss and would
  // leave the model blind.
  const varies = towerVariation(problem.features, Int32Array.from(fitPositions, (p) => problem.rows[p]!), towers);
  const candidates = [all, ...towers.flatMap((_, t) => (varies[t] ? [towers.map((__, u) => u === t)] : []))];
  const seeds = createPrng(seed);
  let best = all;
  let bestLoss = Infinity;
  for (const candidate of candidates) {
    const features = maskColumns(problem.features, imageColumnMask(towers, candidate));
    const sub: DenseProblem = {
      features,
      outputs: problem.outputs,
      rows: Int32Array.from(fitPositions, (p) => problem.rows[p]!),
      // The loss indexes its targets by position in the full problem's rows.
      loss: (position, logits, gradient) => problem.loss(fitPositions[position]!, logits, gradient),
      normaliser: sum(Float64Array.from(fitPositions, (p) => rowWeights[p]!)),
    };
    const fit = fitDense(sub, config, { seed: seeds.nextUint32(), minSteps: 0 });
    const loss = heldOutLoss(fit.layer, features, problem, heldOut);
    if (loss < bestLoss) {
      best = candidate;
      bestLoss = loss;
    }
  }
  return best;
}

/** Whether any of each tower's image feature columns varies over `rows`. */
function towerVariation(features: FeatureRows, rows: Int32Array, towers: readonly TowerShape[]): boolean[] {
  const stats = computeColumnStats(features, rows);
  let start = 0;
  return towers.map((tower) => {
    const columns = stats.inverseStd.subarray(start, start + tower.imageFeatures);
    start += tower.imageFeatures;
    return columns.some((inverse) => inverse > 0);
  });
}

function heldOutLoss(layer: { weight: Float64Array; bias: Float64Array }, features: FeatureRows, problem: DenseProblem, positions: readonly number[]): number {
  const { outputs } = problem;
  const row = new Float64Array(features.width);
  const logits = new Float64Array(outputs);
  const gradient = new Float64Array(outputs);
  let total = 0;
  for (const position of positions) {
    features.read(problem.rows[position]!, row);
    logits.set(layer.bias);
    for (let i = 0; i < row.length; i++) {
      const x = row[i]!;
      if (x !== 0) for (let j = 0; j < outputs; j++) logits[j]! += x * layer.weight[i * outputs + j]!;
    }
    total += problem.loss(position, logits, gradient);
  }
  return total;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
