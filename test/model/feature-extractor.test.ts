import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildExtractorWeights, gridSizeFor } from '../../src/model/feature-extractor.js';

describe('buildExtractorWeights', () => {
  it('has the documented shapes: 1→16→32→64→64 on the colour spread, an 8×8 grid at 64 px, 256 image and 64 cell features', () => {
    const weights = buildExtractorWeights({ seed: 7, inputSize: 64 });
    const shapes = weights.layers.map(({ inChannels, outChannels, pooled, globalPooled, weight }) => [inChannels, outChannels, pooled, globalPooled, weight.length]);
    expect(shapes).toEqual([
      [1, 16, true, false, 16 * 1 * 9],
      [16, 32, true, false, 32 * 16 * 9],
      [32, 64, true, true, 64 * 32 * 9],
      [64, 64, false, true, 64 * 64 * 9],
    ]);
    expect([weights.gridSize, weights.imageFeatureSize, weights.cellFeatureSize]).toEqual([8, 256, 64]);
    expect(gridSizeFor(96)).toBe(12);
  });

  it('draws He-uniform weights, the same for the same seed and different for another', () => {
    const weights = buildExtractorWeights({ seed: 7, inputSize: 64 });
    weights.layers.forEach(({ inChannels, weight }) => {
      const bound = Math.sqrt(6 / (inChannels * 9));
      expect(Math.max(...weight.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...weight.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    });
    expect(buildExtractorWeights({ seed: 7, inputSize: 64 }).layers[2]!.weight).toEqual(weights.layers[2]!.weight);
    expect(buildExtractorWeights({ seed: 8, inputSize: 64 }).layers[0]!.weight).not.toEqual(weights.layers[0]!.weight);
  });

  it('refuses an input size that is not a multiple of 8', () => {
    expect(() => buildExtractorWeights({ seed: 7, inputSize: 60 })).toThrow(/input size must be a positive multiple of 8, got 60/);
    expect(() => buildExtractorWeights({ seed: 7, inputSize: 0 })).toThrow(InputError);
  });
});
