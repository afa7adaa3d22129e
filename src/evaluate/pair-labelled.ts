import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { InputError } from '../errors.js';
import { argmax } from './classification-metrics.js';
import { truthClassOf } from './ground-truth.js';
import type { ItemPrediction } from './predict-items.js';

/** An item with a human class, its true class index, its scores and the predicted class (their argmax). */
export interface LabelledPrediction {
  item: DatasetItem;
  truth: number;
  predicted: number;
  scores: Float32Array;
}

/**
 * Pairs each item with its prediction (same position, same id) and keeps the items with a human class.
 * Throws an `InputError` when the lists do not line up or an item's class is not in `classes`.
 */
export function pairLabelled(items: readonly DatasetItem[], predictions: readonly ItemPrediction[], classes: readonly string[]): LabelledPrediction[] {
  assertAligned(items, predictions);
  const classIndex = new Map(classes.map((name, k) => [name, k]));
  const labelled: LabelledPrediction[] = [];
  items.forEach((item, i) => {
    const truth = truthClassOf(item, classIndex);
    const scores = predictions[i]!.classScores;
    if (truth !== null) labelled.push({ item, truth, predicted: argmax(scores), scores });
  });
  return labelled;
}

/** Throws unless `predictions[i]` is the prediction of `items[i]` for every i. */
export function assertAligned(items: readonly DatasetItem[], predictions: readonly ItemPrediction[]): void {
  if (items.length !== predictions.length) {
    throw new InputError(`${items.length} items but ${predictions.length} predictions`, { rule: 'predictions-align', items: items.length, predictions: predictions.length });
  }
  items.forEach((item, i) => {
    if (predictions[i]!.itemId !== item.id) {
      throw new InputError(`prediction ${i} is for item ${predictions[i]!.itemId}, not ${item.id}`, { item: item.id, rule: 'predictions-align' });
    }
  });
}
