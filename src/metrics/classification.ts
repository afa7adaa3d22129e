import { InputError } from '../errors.js';

/** scikit-learn's per-class figures; every ratio whose denominator is 0 is 0 (`zero_division=0`). */
export interface ClassMetrics {
  label: number;
  /** tp / (tp + fp) */
  precision: number;
  /** tp / (tp + fn) */
  recall: number;
  /** 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall */
  f1: number;
  /** How many samples truly have this label. */
  support: number;
}

export interface ClassificationReport {
  labels: number[];
  perClass: ClassMetrics[];
  accuracy: number;
  /** Unweighted mean of F1 over all `labels`, including labels without support (their F1 is 0). */
  macroF1: number;
  /** Lowest F1 among labels with support; a label absent from the truth cannot sink it. */
  minClassF1: number;
  /** `confusion[i][j]`: samples of true `labels[i]` predicted as `labels[j]`. */
  confusion: number[][];
}

/**
 * Precision, recall, F1 and support per class, accuracy, macro F1 and the confusion matrix of
 * integer labels, with scikit-learn's conventions (`precision_recall_fscore_support` with
 * `zero_division=0`, `confusion_matrix(labels=...)`), in the order of `labels`.
 *
 * @throws InputError when the arrays differ in length or are empty, `labels` is empty or repeats a
 *   label, or a sample's label is not in `labels`.
 */
export function buildClassificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly number[]): ClassificationReport {
  if (truth.length !== predicted.length || truth.length === 0) {
    throw new InputError('truth and predictions must be non-empty and of the same length', {
      rule: 'classification-lengths',
      truth: truth.length,
      predicted: predicted.length,
    });
  }
  const position = new Map(labels.map((label, i) => [label, i]));
  if (position.size !== labels.length || labels.length === 0) {
    throw new InputError('labels must be a non-empty list without repeats', { rule: 'classification-label-set' });
  }
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const row = position.get(truth[i]!);
    const column = position.get(predicted[i]!);
    if (row === undefined || column === undefined) {
      throw new InputError(`sample ${i} has a label outside the label set`, { rule: 'classification-known-label', item: String(i) });
    }
    confusion[row]![column]!++;
    if (row === column) correct++;
  }

  const perClass = labels.map((label, k): ClassMetrics => {
    const tp = confusion[k]![k]!;
    const support = confusion[k]!.reduce((sum, n) => sum + n, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[k]!, 0);
    return { label, precision: ratio(tp, predictedAs), recall: ratio(tp, support), f1: ratio(2 * tp, support + predictedAs), support };
  });
  const supported = perClass.filter((metrics) => metrics.support > 0);
  return {
    labels: [...labels],
    perClass,
    accuracy: correct / truth.length,
    macroF1: perClass.reduce((sum, metrics) => sum + metrics.f1, 0) / K,
    minClassF1: Math.min(...supported.map((metrics) => metrics.f1)),
    confusion,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
