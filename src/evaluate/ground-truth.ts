import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { uprightBox } from '../dataset/upright-box.js';
import { InputError } from '../errors.js';

/** A ground-truth box in 0–1 of the image, axis-aligned. */
export interface TruthBox {
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The item's image class for evaluation: its human label, `classes[0]` as training reads it
 * (`resolveTrainingLabels`), or null for an item no person gave a class (weak labels never count as
 * truth). Throws an `InputError` naming the item when the class is not in `classIndex`.
 */
export function truthClassOf(item: DatasetItem, classIndex: ReadonlyMap<string, number>): number | null {
  const name = item.classes[0];
  if (name === undefined) return null;
  const index = classIndex.get(name);
  if (index === undefined) {
    throw new InputError(`item ${item.id}: class "${name}" is not one of the model's classes`, { item: item.id, rule: 'unknown-class', label: name });
  }
  return index;
}

/** The item's regions as upright boxes: a rotated region becomes its axis-aligned envelope, as in training. */
export function truthBoxesOf(item: DatasetItem): TruthBox[] {
  return item.regions.map((region) => {
    const box = uprightBox(region);
    return { label: region.label, x: box.x, y: box.y, width: box.width, height: box.height };
  });
}

/**
 * The pixel size that box areas are measured in: the size the annotator saw (`item.image`), or the
 * decoded size (after EXIF orientation) when the dataset does not record one.
 */
export function imageSizeOf(item: DatasetItem, decoded: { width: number; height: number }): { width: number; height: number } {
  return item.image.width !== null && item.image.height !== null ? { width: item.image.width, height: item.image.height } : decoded;
}
