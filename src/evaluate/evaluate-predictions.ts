import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { InputError } from '../errors.js';
import { buildBiasMetrics, type BiasMetrics } from './bias-metrics.js';
import { buildClassificationMetrics, type ClassificationMetrics } from './classification-metrics.js';
import { buildDetectionMetrics, type DetectionMetrics } from './detection-metrics.js';
import { pairLabelled } from './pair-labelled.js';
import type { ItemPrediction } from './predict-items.js';

export interface EvaluatePredictionsOptions {
  /** The evaluated items (the test split), in the order of `predictions`. */
  items: readonly DatasetItem[];
  predictions: readonly ItemPrediction[];
  /** The order of `classScores` (`OpenedModel.classes`). */
  classes: readonly string[];
  /** Empty for a model without regions: then there is no detection figure. */
  regionClasses: readonly string[];
  /** The `meta` field whose values group the items for the bias figure; null for none. */
  biasField: string | null;
}

/** How many items each figure saw. */
export interface EvaluationCounts {
  /** Every item evaluated; the detection figures count them all. */
  items: number;
  /** Items with a human class: the classification, bias and calibration figures count these. */
  classified: number;
  /** Items without a human class, left out of those figures. */
  unlabelled: number;
}

export interface PredictionMetrics {
  classification: ClassificationMetrics;
  detection: DetectionMetrics | null;
  bias: BiasMetrics | null;
  counts: EvaluationCounts;
}

/**
 * The `classification`, `detection` and `bias` bodies of `metrics.json` from a model's predictions.
 * Classification ground truth is the item's human class (`classes[0]`); an item without one is left
 * out of classification and bias and counted in `counts.unlabelled`, never guessed from weak labels.
 * The predicted class is the argmax of the raw (uncalibrated) scores: the model's own decision.
 * Detection counts every item (see `buildCocoEvaluation`).
 *
 * @throws InputError when items and predictions do not line up, a class is unknown, or no item has a human class.
 */
export function evaluatePredictions(options: EvaluatePredictionsOptions): PredictionMetrics {
  const { items, predictions, classes, regionClasses, biasField } = options;
  // pairLabelled checks that items and predictions line up.
  const labelled = pairLabelled(items, predictions, classes);
  if (labelled.length === 0) {
    throw new InputError(`none of the ${items.length} evaluated items has a human class`, { rule: 'evaluation-no-labelled-items', items: items.length });
  }
  return {
    classification: buildClassificationMetrics(
      labelled.map((entry) => entry.truth),
      labelled.map((entry) => entry.predicted),
      classes,
    ),
    detection: regionClasses.length === 0 ? null : buildDetectionMetrics(items, predictions, regionClasses),
    bias: biasField === null ? null : buildBiasMetrics(labelled, biasField),
    counts: { items: items.length, classified: labelled.length, unlabelled: items.length - labelled.length },
  };
}
