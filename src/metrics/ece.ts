import { InputError } from '../errors.js';
import { predictIsotonic, type IsotonicModel } from './isotonic.js';

/** The number of equal-width confidence bins of {@link expectedCalibrationError}. */
export const ECE_BINS = 15;

/**
 * Expected calibration error of the top-class confidence (Guo et al., 2017): each sample's
 * confidence is its highest probability and its prediction that class (the first one on a tie, as
 * numpy's argmax); samples fall into 15 equal-width bins (b/15, (b+1)/15], a confidence of exactly 0
 * going to the first; ECE = Σ (n_b / N) · |accuracy_b − mean confidence_b| over non-empty bins.
 *
 * @param probabilities one row of class probabilities per sample.
 * @param truth the true class index of each sample.
 * @throws InputError when the lengths differ or there are no samples.
 */
export function expectedCalibrationError(probabilities: ReadonlyArray<ArrayLike<number>>, truth: ArrayLike<number>): number {
  if (probabilities.length !== truth.length || truth.length === 0) {
    throw new InputError('probabilities and truth must be non-empty and of the same length', { rule: 'ece-lengths' });
  }
  const count = new Float64Array(ECE_BINS);
  const confidenceSum = new Float64Array(ECE_BINS);
  const correctSum = new Float64Array(ECE_BINS);
  probabilities.forEach((row, i) => {
    let predicted = 0;
    for (let k = 1; k < row.length; k++) if (row[k]! > row[predicted]!) predicted = k;
    const confidence = row[predicted]!;
    const bin = binOf(confidence);
    count[bin]!++;
    confidenceSum[bin]! += confidence;
    if (predicted === truth[i]) correctSum[bin]!++;
  });
  let ece = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    if (count[b] === 0) continue;
    ece += (count[b]! / truth.length) * Math.abs(correctSum[b]! / count[b]! - confidenceSum[b]! / count[b]!);
  }
  return ece;
}

/** The bin whose interval (b/15, (b+1)/15] holds `confidence`, settled against the edges as written. */
function binOf(confidence: number): number {
  let bin = Math.min(ECE_BINS - 1, Math.max(0, Math.ceil(confidence * ECE_BINS) - 1));
  while (bin > 0 && confidence <= bin / ECE_BINS) bin--;
  while (bin < ECE_BINS - 1 && confidence > (bin + 1) / ECE_BINS) bin++;
  return bin;
}

/**
 * Calibrates each row of class probabilities: class k's score goes through `models[k]`, then the row
 * is divided by its sum so that it sums to 1. A row whose calibrated scores are all 0 stays as it was
 * (uncalibrated) rather than becoming 0/0.
 *
 * @throws InputError when a row's length differs from the number of models.
 */
export function applyCalibration(probabilities: ReadonlyArray<ArrayLike<number>>, models: readonly IsotonicModel[]): number[][] {
  return probabilities.map((row, i) => {
    if (row.length !== models.length) {
      throw new InputError(`row ${i} has ${row.length} classes but there are ${models.length} calibration models`, {
        rule: 'calibration-class-count',
        item: String(i),
      });
    }
    const calibrated = models.map((model, k) => predictIsotonic(model, row[k]!));
    const sum = calibrated.reduce((total, value) => total + value, 0);
    return sum === 0 ? Array.from(row) : calibrated.map((value) => value / sum);
  });
}
