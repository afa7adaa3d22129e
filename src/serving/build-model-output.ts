import type { ServingThresholds } from '../artifacts/schemas/thresholds.js';
import { applyCalibration } from '../metrics/ece.js';
import type { ImagePrediction } from '../model/open-model.js';
import type { ServedVersion } from './open-served-version.js';
import type { ModelOutput } from './upload-record.js';

/** A version's output on one image, with whether its top class clears its confidence threshold. */
export interface JudgedOutput {
  output: ModelOutput;
  /** The top class's calibrated confidence is at least its threshold (`per_class_min_confidence`, else `min_confidence`). */
  confident: boolean;
}

/**
 * What the deployer records of one prediction: class scores through the version's calibration
 * (renormalised, as evaluation applies it), best first; regions at or above `min_region_score`, in
 * pixels of the oriented image, best first; and whether the top class is confident enough to use.
 */
export function buildModelOutput(
  served: Pick<ServedVersion, 'version' | 'calibration'> & { model: { classes: readonly string[] } },
  prediction: ImagePrediction,
  original: { width: number; height: number },
  thresholds: Pick<ServingThresholds, 'min_confidence' | 'per_class_min_confidence' | 'min_region_score'>,
): JudgedOutput {
  const scores = served.calibration ? applyCalibration([prediction.classScores], served.calibration)[0]! : Array.from(prediction.classScores);
  const classes = served.model.classes.map((label, k) => ({ label, score: scores[k]! })).sort((a, b) => b.score - a.score);
  const regions = prediction.boxes
    .filter((box) => box.score >= thresholds.min_region_score)
    .sort((a, b) => b.score - a.score)
    .map((box) => ({
      label: box.label,
      score: box.score,
      box: [box.x * original.width, box.y * original.height, box.width * original.width, box.height * original.height] as [number, number, number, number],
    }));
  const top = classes[0];
  const confident = top !== undefined && top.score >= (thresholds.per_class_min_confidence[top.label] ?? thresholds.min_confidence);
  return { output: { version: served.version, classes, regions }, confident };
}
