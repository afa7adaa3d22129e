import type { TrainingMetrics } from '../artifacts/schemas/model.js';
import { buildClassificationReport } from '../metrics/classification.js';

export type ClassificationMetrics = TrainingMetrics['classification'];

/** The predicted class of a row of scores: the highest, the first on a tie (numpy's argmax, as ECE reads it). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[best]!) best = k;
  return best;
}

/**
 * The `classification` body of `metrics.json` from true and predicted class indices into `classes`:
 * scikit-learn's per-class precision, recall and F1 (`zero_division=0`), support, accuracy, macro F1
 * over every class (a class absent from the test split counts with F1 0), the lowest F1 among classes
 * with support, and the confusion matrix (rows true, columns predicted, in `classes` order).
 *
 * @throws InputError when there are no samples.
 */
export function buildClassificationMetrics(truth: readonly number[], predicted: readonly number[], classes: readonly string[]): ClassificationMetrics {
  const report = buildClassificationReport(truth, predicted, classes.map((_, k) => k));
  return {
    per_class: Object.fromEntries(
      report.perClass.map((metrics) => [classes[metrics.label]!, { precision: metrics.precision, recall: metrics.recall, f1: metrics.f1, support: metrics.support }]),
    ),
    macro_f1: report.macroF1,
    min_class_f1: report.minClassF1,
    accuracy: report.accuracy,
    confusion: { labels: [...classes], matrix: report.confusion },
  };
}

/**
 * Macro F1 of one slice of the samples over the classes that occur in it (true or predicted), as
 * scikit-learn's `f1_score(average='macro')` does by default: a group without any item of a class is
 * not marked down for that class.
 */
export function sliceMacroF1(truth: readonly number[], predicted: readonly number[]): number {
  const present = [...new Set([...truth, ...predicted])].sort((a, b) => a - b);
  return buildClassificationReport(truth, predicted, present).macroF1;
}
