import { InputError } from '../errors.js';
import type { HeadTrainingInput } from './train-heads.js';

function fail(message: string, data: Record<string, unknown> = {}): never {
  throw new InputError(`head training input: ${message}`, { rule: 'head-training-input', ...data });
}

const isIndex = (value: number, count: number): boolean => Number.isInteger(value) && value >= 0 && value < count;
const isUnit = (value: number): boolean => value >= 0 && value <= 1;

/** Throws an `InputError` unless the features, counts, labels, weights and boxes of `input` agree. */
export function assertHeadTrainingInput(input: HeadTrainingInput): void {
  const { features, items, gridSize, imageFeatureSize, cellFeatureSize, classCount, regionClassCount } = input;
  for (const [field, value] of Object.entries({ gridSize, imageFeatureSize, cellFeatureSize })) {
    if (!Number.isInteger(value) || value < 1) fail(`${field} must be a positive integer, got ${value}`, { field });
  }
  // A taxonomy may lack image classes or region classes, not both: the missing head is not trained.
  for (const [field, value] of Object.entries({ classCount, regionClassCount })) {
    if (!Number.isInteger(value) || value < 0) fail(`${field} must be a non-negative integer, got ${value}`, { field });
  }
  if (classCount === 0 && regionClassCount === 0) fail('there are neither image classes nor region classes to train', { field: 'classCount' });
  if (features.count !== items.length) fail(`${features.count} feature rows for ${items.length} items`);
  if (classCount > 0 && features.imageFeatures.length !== items.length * imageFeatureSize) fail('image features do not hold one row per item');
  // Without region classes the trainer need not keep the cell features at all.
  if (regionClassCount > 0 && features.cellFeatures.length !== items.length * gridSize * gridSize * cellFeatureSize) fail('cell features do not hold G·G rows per item');
  items.forEach((item, index) => {
    if (item.classIndex !== null && !isIndex(item.classIndex, classCount)) fail(`item ${index}: class index ${item.classIndex} out of range`, { item: String(index) });
    if (!isUnit(item.weight)) fail(`item ${index}: weight must be in [0, 1], got ${item.weight}`, { item: String(index) });
    for (const region of item.regions) {
      if (!isIndex(region.classIndex, regionClassCount)) fail(`item ${index}: region class index ${region.classIndex} out of range`, { item: String(index) });
      if (![region.x, region.y, region.width, region.height].every(isUnit)) fail(`item ${index}: a box lies outside 0–1`, { item: String(index) });
    }
  });
}
