import { createPrng } from '../../src/model/prng.js';
import type { DenseWeights } from '../../src/model/model-spec.js';
import type { HeadTrainingInput, HeadTrainingItem } from '../../src/train/train-heads.js';

export const GRID = 4;
export const IMAGE_FEATURES = 16;
export const CELL_FEATURES = 12;
export const CLASSES = 3;
export const REGION_CLASSES = 2;

const logit = (p: number): number => Math.log(p / (1 - p));

/**
 * Features a linear head can read exactly. Image features: class-specific means, on wildly different
 * offsets and scales per column so that training without standardisation would crawl. Cell features:
 * an object cell carries its presence, its region class one-hot and its four target logits; every
 * cell also has small noise. `labelOf(index)` overrides an item's image label and weight.
 */
export function buildSyntheticInput(options: { seed: number; count: number; labelOf?: (index: number, trueClass: number) => Partial<HeadTrainingItem> }): HeadTrainingInput & { trueClasses: number[] } {
  const prng = createPrng(options.seed);
  const { count } = options;
  const offsets = Array.from({ length: IMAGE_FEATURES }, (_, i) => 100 * (i % 3));
  const scales = Array.from({ length: IMAGE_FEATURES }, (_, i) => 10 ** ((i % 5) - 2));
  const prototypes = Array.from({ length: CLASSES }, () => Array.from({ length: IMAGE_FEATURES }, () => prng.nextUniform(-1, 1)));
  const imageFeatures = new Float32Array(count * IMAGE_FEATURES);
  const cellFeatures = new Float32Array(count * GRID * GRID * CELL_FEATURES);
  for (let i = 0; i < cellFeatures.length; i++) cellFeatures[i] = prng.nextUniform(0, 0.05);
  const items: HeadTrainingItem[] = [];
  const trueClasses: number[] = [];
  for (let n = 0; n < count; n++) {
    const trueClass = n % CLASSES;
    trueClasses.push(trueClass);
    for (let i = 0; i < IMAGE_FEATURES; i++) {
      imageFeatures[n * IMAGE_FEATURES + i] = offsets[i]! + scales[i]! * (prototypes[trueClass]![i]! + prng.nextUniform(-0.3, 0.3));
    }
    const [column, row] = [prng.nextUint32() % GRID, prng.nextUint32() % GRID];
    const [offsetX, offsetY] = [prng.nextUniform(0.2, 0.8), prng.nextUniform(0.2, 0.8)];
    const centreX = (column + offsetX) / GRID;
    const centreY = (row + offsetY) / GRID;
    // Sizes that keep the box inside the image, so that the box is exactly what the features encode.
    const width = prng.nextUniform(0.05, Math.min(0.4, 2 * centreX, 2 * (1 - centreX)));
    const height = prng.nextUniform(0.05, Math.min(0.4, 2 * centreY, 2 * (1 - centreY)));
    const regionClass = prng.nextUint32() % REGION_CLASSES;
    const at = ((n * GRID + row) * GRID + column) * CELL_FEATURES;
    cellFeatures[at] = 1;
    cellFeatures[at + 1 + regionClass] = 1;
    [offsetX, offsetY, width, height].forEach((value, k) => (cellFeatures[at + 1 + REGION_CLASSES + k] = logit(value)));
    items.push({
      classIndex: trueClass,
      weight: 1,
      regions: [{ classIndex: regionClass, x: centreX - width / 2, y: centreY - height / 2, width, height }],
      ...options.labelOf?.(n, trueClass),
    });
  }
  return {
    features: { count, imageFeatures, cellFeatures },
    imageFeatureSize: IMAGE_FEATURES,
    cellFeatureSize: CELL_FEATURES,
    gridSize: GRID,
    classCount: CLASSES,
    regionClassCount: REGION_CLASSES,
    items,
    trueClasses,
  };
}

/** The argmax of a dense layer on row `row` of `features`, computed in float64 from the float32 weights. */
export function predictDense(layer: DenseWeights, features: Float32Array, row: number, inputs: number): number {
  const outputs = layer.bias.length;
  const logits = Array.from(layer.bias, Number);
  for (let i = 0; i < inputs; i++) for (let j = 0; j < outputs; j++) logits[j]! += features[row * inputs + i]! * layer.weight[i * outputs + j]!;
  return logits.indexOf(Math.max(...logits));
}
