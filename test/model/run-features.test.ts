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

/** The grid map [N, 64, 8, 8] as cell rows [N, 64 cells, 64 channels]. */
function cellRows(grid: Float32Array, images: number): Float32Array {
  const rows = new Float32Array(grid.length);
  for (let n = 0; n < images; n++) {
    for (let c = 0; c < 64; c++) for (let cell = 0; cell < 64; cell++) rows[(n * 64 + cell) * 64 + c] = grid[(n * 64 + c) * 64 + cell]!;
  }
  return rows;
}

describe('loadFeatureExtractor', () => {
  it('returns the features the full model computes inside, over several runs of a batch', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor, batchSize: 4 });
    const full = await ort.InferenceSession.create(exposeOutputs(buildModelGraph(spec), [FEATURE_NAMES.image, FEATURE_NAMES.grid]));
    try {
      const features = await extractor.extract(images, count);
      expect([features.count, features.imageFeatures.length, features.cellFeatures.length]).toEqual([6, 6 * 256, 6 * 64 * 64]);
      const inside = await full.run({ image: new ort.Tensor('float32', images, [count, 3, 64, 64]) });
      expect(maxDifference(features.imageFeatures, inside[FEATURE_NAMES.image]!.data as Float32Array)).toBeLessThan(1e-5);
      expect(maxDifference(features.cellFeatures, cellRows(inside[FEATURE_NAMES.grid]!.data as Float32Array, count))).toBeLessThan(1e-5);
    } finally {
      await Promise.all([extractor.close(), full.release()]);
    }
  });

  it('matches the TypeScript reference extractor', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor });
    try {
      const features = await extractor.extract(images.subarray(0, 2 * 3 * 64 * 64), 2);
      const reference = computeReferenceFeatures(buildExtractorWeights(spec.extractor), images.subarray(0, 2 * 3 * 64 * 64), 2);
      expect(features.imageFeatures.some((value) => value > 0)).toBe(true);
      expect(maxDifference(features.imageFeatures, reference.imageFeatures)).toBeLessThan(1e-4);
      expect(maxDifference(features.cellFeatures, reference.cellFeatures)).toBeLessThan(1e-4);
    } finally {
      await extractor.close();
    }
  });

  it('sees colour spread only: the same features when the channels of every pixel are rotated', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor });
    try {
      const plane = 64 * 64;
      const rotated = new Float32Array(images.length);
      for (let n = 0; n < count; n++) {
        for (let c = 0; c < 3; c++) rotated.set(images.subarray((n * 3 + c) * plane, (n * 3 + c + 1) * plane), (n * 3 + ((c + 1) % 3)) * plane);
      }
      const [original, recoloured] = [await extractor.extract(images, count), await extractor.extract(rotated, count)];
      expect(original.cellFeatures.some((value) => value > 0)).toBe(true);
      expect(Array.from(recoloured.imageFeatures)).toEqual(Array.from(original.imageFeatures));
      expect(Array.from(recoloured.cellFeatures)).toEqual(Array.from(original.cellFeatures));
    } finally {
      await extractor.close();
    }
  });

  it('refuses a batch whose length does not match the count', async () => {
    const extractor = await loadFeatureExtractor({ extractor: spec.extractor });
    try {
      await expect(extractor.extract(images, count + 1)).rejects.toThrow(InputError);
      await expect(extractor.extract(images, count + 1)).rejects.toThrow(/expected 7 images of 3×64×64 values, got 73728 values/);
    } finally {
      await extractor.close();
    }
  });
});
