import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { FEATURE_NAMES } from '../../src/model/extractor-graph.js';
import { buildExtractorWeights } from '../../src/model/feature-extractor.js';
import { buildModelGraph } from '../../src/model/onnx-graph.js';
import { computeReferenceFeatures } from '../../src/model/reference-features.js';
import { loadFeatureExtractor } from '../../src/model/run-features.js';
import { buildRandomSpec, exposeOutputs, maxDifference, randomImages } from './model-fixtures.js';

const spec = buildRandomSpec();
const count = 6;
const images = randomImages(5, count);

/** The grid map [N, 128, 8, 8] as cell rows [N, 64 cells, 128 channels]. */
function cellRows(grid: Float32Array, images: number): Float32Array {
  const rows = new Float32Array(grid.length);
  for (let n = 0; n < images; n++) {
    for (let c = 0; c < 128; c++) for (let cell = 0; cell < 64; cell++) rows[(n * 64 + cell) * 128 + c] = grid[(n * 128 + c) * 64 + cell]!;
  }
  return rows;
}

describe('loadFeatureExtractor', () => {
  it('returns the features the full model computes inside, over several runs of a batch', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor, normalisation: spec, batchSize: 4 });
    const full = await ort.InferenceSession.create(exposeOutputs(buildModelGraph(spec), [FEATURE_NAMES.image, FEATURE_NAMES.grid]));
    try {
      const features = await extractor.extract(images, count);
      expect([features.count, features.imageFeatures.length, features.cellFeatures.length]).toEqual([6, 6 * 2816, 6 * 64 * 128]);
      const inside = await full.run({ image: new ort.Tensor('float32', images, [count, 3, 64, 64]) });
      expect(maxDifference(features.imageFeatures, inside[FEATURE_NAMES.image]!.data as Float32Array)).toBeLessThan(1e-5);
      expect(maxDifference(features.cellFeatures, cellRows(inside[FEATURE_NAMES.grid]!.data as Float32Array, count))).toBeLessThan(1e-5);
    } finally {
      await Promise.all([extractor.close(), full.release()]);
    }
  });

  it('matches the TypeScript reference extractor', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor, normalisation: spec });
    try {
      const features = await extractor.extract(images.subarray(0, 2 * 3 * 64 * 64), 2);
      const reference = computeReferenceFeatures(buildExtractorWeights(spec.extractor), spec, images.subarray(0, 2 * 3 * 64 * 64), 2);
      expect(features.imageFeatures.some((value) => value > 0)).toBe(true);
      expect(maxDifference(features.imageFeatures, reference.imageFeatures)).toBeLessThan(1e-4);
      expect(maxDifference(features.cellFeatures, reference.cellFeatures)).toBeLessThan(1e-4);
    } finally {
      await extractor.close();
    }
  });

  it('is blind to hue: the same features, within float rounding, when the channels of every pixel are rotated', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor, normalisation: spec });
    try {
      const plane = 64 * 64;
      // Rotated in pixel space: channel c's pixels move to channel c + 1, normalised with that channel's mean and std.
      const rotated = new Float32Array(images.length);
      for (let n = 0; n < count; n++) {
        for (let c = 0; c < 3; c++) {
          const to = (c + 1) % 3;
          for (let p = 0; p < plane; p++) {
            const pixel = images[(n * 3 + c) * plane + p]! * spec.std[c]! + spec.mean[c]!;
            rotated[(n * 3 + to) * plane + p] = (pixel - spec.mean[to]!) / spec.std[to]!;
          }
        }
      }
      const [original, recoloured] = [await extractor.extract(images, count), await extractor.extract(rotated, count)];
      expect(original.cellFeatures.some((value) => value > 0)).toBe(true);
      // Renormalising and summing the channels in another order change the last float32 bits.
      expect(maxDifference(recoloured.imageFeatures, original.imageFeatures)).toBeLessThan(1e-4);
      expect(maxDifference(recoloured.cellFeatures, original.cellFeatures)).toBeLessThan(1e-4);
    } finally {
      await extractor.close();
    }
  });

  it('refuses a batch whose length does not match the count', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor, normalisation: spec });
    try {
      await expect(extractor.extract(images, count + 1)).rejects.toThrow(InputError);
      await expect(extractor.extract(images, count + 1)).rejects.toThrow(/expected 7 images of 3×64×64 values, got 73728 values/);
    } finally {
      await extractor.close();
    }
  });
});
