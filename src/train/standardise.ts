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

/**
 * Mean and 1/std of each of the `inputs` columns over `rows` (indices of rows in `features`), in two
 * float64 passes in row order, so the same rows always give the same bits.
 */
export function computeColumnStats(features: Float32Array, inputs: number, rows: Int32Array): ColumnStats {
  const mean = new Float64Array(inputs);
  const inverseStd = new Float64Array(inputs);
  if (rows.length === 0) return { mean, inverseStd };
  for (const row of rows) {
    const base = row * inputs;
    for (let i = 0; i < inputs; i++) mean[i]! += features[base + i]!;
  }
  for (let i = 0; i < inputs; i++) mean[i]! /= rows.length;
  const variance = new Float64Array(inputs);
  for (const row of rows) {
    const base = row * inputs;
    for (let i = 0; i < inputs; i++) {
      const d = features[base + i]! - mean[i]!;
      variance[i]! += d * d;
    }
  }
  for (let i = 0; i < inputs; i++) {
    const std = Math.sqrt(variance[i]! / rows.length);
    inverseStd[i] = std > MIN_RELATIVE_STD * (1 + Math.abs(mean[i]!)) ? 1 / std : 0;
  }
  return { mean, inverseStd };
}
