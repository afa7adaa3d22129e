import type { DatasetItem, WeakLabel } from '../artifacts/schemas/dataset.js';

/** A model's own prediction for an item, the weakest source of a label. */
export interface ModelLabel {
  item_id: string;
  label: string;
  confidence: number;
}

export interface TrainingLabel {
  itemId: string;
  label: string;
  source: 'human' | 'weak' | 'model';
  /** 1 for human labels; a weak label's weight; a model label's confidence times `modelWeight`. */
  weight: number;
}

/**
 * The image-class label a trainer uses for each item, by the hierarchy human > weak > model: the
 * human label when the item has one; otherwise the weak label with the largest total weight
 * (summed over the signals that agree, capped at 1); otherwise the model's own label, down-weighted.
 * Items with no label from any source are left out.
 */
export function resolveTrainingLabels(
  items: Iterable<DatasetItem>,
  weakLabels: readonly WeakLabel[],
  modelLabels: readonly ModelLabel[] = [],
  modelWeight = 0.1,
): TrainingLabel[] {
  const weakByItem = new Map<string, Map<string, number>>();
  for (const weak of weakLabels) {
    const votes = weakByItem.get(weak.item_id) ?? new Map<string, number>();
    votes.set(weak.label, (votes.get(weak.label) ?? 0) + weak.weight);
    weakByItem.set(weak.item_id, votes);
  }
  const modelByItem = new Map(modelLabels.map((label) => [label.item_id, label]));
  const labels: TrainingLabel[] = [];
  for (const item of items) {
    const human = item.classes[0];
    if (human !== undefined) {
      labels.push({ itemId: item.id, label: human, source: 'human', weight: 1 });
      continue;
    }
    const votes = weakByItem.get(item.id);
    if (votes && votes.size > 0) {
      const [label, weight] = [...votes].sort(([a, wa], [b, wb]) => wb - wa || (a < b ? -1 : 1))[0]!;
      if (weight > 0) {
        labels.push({ itemId: item.id, label, source: 'weak', weight: Math.min(1, weight) });
        continue;
      }
    }
    const model = modelByItem.get(item.id);
    if (model) labels.push({ itemId: item.id, label: model.label, source: 'model', weight: model.confidence * modelWeight });
  }
  return labels;
}
