import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import type { TrainingMetrics } from '../artifacts/schemas/model.js';
import { sliceMacroF1 } from './classification-metrics.js';

export type BiasMetrics = NonNullable<TrainingMetrics['bias']>;

/** The group of items whose meta lacks the field, or holds null there. */
export const MISSING_GROUP = '(missing)';

/** A classified item: its meta, true and predicted class index. */
export interface ClassifiedItem {
  item: DatasetItem;
  truth: number;
  predicted: number;
}

/** The group an item falls in: its meta value as a string (`true`, `3`, `"north"` → `north`). */
export function biasGroupOf(item: DatasetItem, field: string): string {
  const value = item.meta[field];
  return value === undefined || value === null ? MISSING_GROUP : String(value);
}

/**
 * The `bias` body of `metrics.json`: the classified items grouped by `meta[field]`, each group's item
 * count and macro F1 (over the classes that occur in the group, see `sliceMacroF1`), and `max_delta`,
 * the largest difference between two groups' macro F1 (0 with one group).
 */
export function buildBiasMetrics(classified: readonly ClassifiedItem[], field: string): BiasMetrics {
  const groups = new Map<string, { truth: number[]; predicted: number[] }>();
  for (const { item, truth, predicted } of classified) {
    const key = biasGroupOf(item, field);
    const group = groups.get(key) ?? { truth: [], predicted: [] };
    group.truth.push(truth);
    group.predicted.push(predicted);
    groups.set(key, group);
  }
  const entries = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const scores = entries.map(([key, group]) => [key, { items: group.truth.length, macro_f1: sliceMacroF1(group.truth, group.predicted) }] as const);
  const f1s = scores.map(([, group]) => group.macro_f1);
  return {
    field,
    groups: Object.fromEntries(scores),
    max_delta: f1s.length === 0 ? 0 : Math.max(...f1s) - Math.min(...f1s),
  };
}
