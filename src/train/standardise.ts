import type { FeatureRows } from './feature-rows.js';

/** Per-column mean and inverse standard deviation of a set of feature rows. */
export interface ColumnStats {
  mean: Float64Array;
  /** 1 / std, or 0 for a column too constant to carry information. */
  inverseStd: Float64Array;
}

/** A dense layer in float64. */
export interface Dense64 {
  weight: Float64Array;
  bias: Float64Array;
}

// A column whose spread is this small next to its level is treated as constant: folding 1/std into
// float32 weights would otherwise amplify rounding in the exported model by the same factor.
const MIN_RELATIVE_STD = 1e-4;

const CHUNK = 4;

/**
 * Mean and 1/std of each column over `rows` (row indices into `features`), in two float64 passes in row
 * order, so the same rows always give the same bits.
 */
export function computeColumnStats(features: FeatureRows, rows: Int32Array): ColumnStats {
  const inputs = features.width;
  const mean = new Float64Array(inputs);
  const inverseStd = new Float64Array(inputs);
  if (rows.length === 0) return { mean, inverseStd };
  // Rows are read CHUNK at a time and added left to right, so each column still sums them in row order.
  const block = Array.from({ length: CHUNK }, () => new Float64Array(inputs));
  const [r0, r1, r2, r3] = block as [Float64Array, Float64Array, Float64Array, Float64Array];
  const whole = rows.length - (rows.length % CHUNK);
  for (let n = 0; n < whole; n += CHUNK) {
    for (let r = 0; r < CHUNK; r++) features.read(rows[n + r]!, block[r]!);
    for (let i = 0; i < inputs; i++) mean[i] = mean[i]! + r0[i]! + r1[i]! + r2[i]! + r3[i]!;
  }
  for (let n = whole; n < rows.length; n++) {
    features.read(rows[n]!, r0);
    for (let i = 0; i < inputs; i++) mean[i]! += r0[i]!;
  }
  for (let i = 0; i < inputs; i++) mean[i]! /= rows.length;
  const variance = new Float64Array(inputs);
  for (let n = 0; n < whole; n += CHUNK) {
    for (let r = 0; r < CHUNK; r++) features.read(rows[n + r]!, block[r]!);
    for (let i = 0; i < inputs; i++) {
      const m = mean[i]!;
      const d0 = r0[i]! - m;
      const d1 = r1[i]! - m;
      const d2 = r2[i]! - m;
      const d3 = r3[i]! - m;
      variance[i] = variance[i]! + d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
    }
  }
  for (let n = whole; n < rows.length; n++) {
    features.read(rows[n]!, r0);
    for (let i = 0; i < inputs; i++) {
      const d = r0[i]! - mean[i]!;
      variance[i]! += d * d;
    }
  }
  for (let i = 0; i < inputs; i++) {
    const std = Math.sqrt(variance[i]! / rows.length);
    inverseStd[i] = std > MIN_RELATIVE_STD * (1 + Math.abs(mean[i]!)) ? 1 / std : 0;
  }
  return { mean, inverseStd };
}
