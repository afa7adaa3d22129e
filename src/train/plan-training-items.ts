import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import type { TrainingLabel } from '../dataset/training-labels.js';
import { uprightBox } from '../dataset/upright-box.js';
import type { ImageSource } from './extract-image-features.js';
import type { BuiltinTrainingItem } from './train-builtin-model.js';

/**
 * The built-in trainer's items for dataset items (the caller picks the split): each item's resolved
 * image class label (`resolveTrainingLabels`), or none, and its boxes, axis-aligned: a rotated region
 * becomes its envelope, as the grid head only predicts upright boxes. Pure; `image` only names where
 * the bytes come from.
 */
export function planTrainingItems(
  items: readonly DatasetItem[],
  labels: readonly TrainingLabel[],
  image: (item: DatasetItem) => ImageSource,
): BuiltinTrainingItem[] {
  const labelOf = new Map(labels.map((label) => [label.itemId, label]));
  return items.map((item) => {
    const label = labelOf.get(item.id);
    return {
      id: item.id,
      image: image(item),
      label: label ? { name: label.label, weight: label.weight } : null,
      regions: item.regions.map((region) => {
        const box = uprightBox(region);
        return { label: region.label, x: box.x, y: box.y, width: box.width, height: box.height };
      }),
    };
  });
}
