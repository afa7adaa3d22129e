import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildExtractorWeights, gridSizeFor, regionOf } from '../../src/model/feature-extractor.js';

describe('buildExtractorWeights', () => {
  it('has the documented shapes: a colour tower 1→16→32→64→64 and a luminance tower 1→32→64→64→64, an 8×8 grid at 64 px', () => {
    const weights = buildExtractorWeights({ seed: 7, inputSize: 64 });
    const shapes = weights.towers.map((tower) => [
      tower.input,
      tower.layers.map(({ inChannels, outChannels, pooled, globalPooled, regions, weight }) => [inChannels, outChannels, pooled, globalPooled, regions, weight.length]),
    ]);
    expect(shapes).toEqual([
      [
        'colour-spread',
        [
          [1, 16, true, false, 0, 16 * 1 * 9],
          [16, 32, true, false, 0, 32 * 16 * 9],
          [32, 64, true, true, 0, 64 * 32 * 9],
          [64, 64, false, true, 0, 64 * 64 * 9],
        ],
      ],
      [
        'luminance',
        [
          [1, 32, true, false, 0, 32 * 1 * 9],
          [32, 64, true, false, 4, 64 * 32 * 9],
          [64, 64, true, true, 4, 64 * 64 * 9],
          [64, 64, false, true, 2, 64 * 64 * 9],
        ],
      ],
    ]);
    // Colour: average and max of maps A and B. Luminance: 4×4 regions of the second map, average, max and
    // 4×4 regions of A, average, max and 2×2 regions of B. Cells: both towers' grid maps.
    const luminance = 64 * 16 + 64 * (2 + 16) + 64 * (2 + 4);
    expect([weights.gridSize, weights.imageFeatureSize, weights.cellFeatureSize]).toEqual([8, 256 + luminance, 128]);
    expect(gridSizeFor(96)).toBe(12);
  });

  it('draws He-uniform weights, the same for the same seed and different for another', () => {
    const weights = buildExtractorWeights({ seed: 7, inputSize: 64 });
    const layers = weights.towers.flatMap((tower) => tower.layers);
    layers.forEach(({ inChannels, weight }) => {
      const bound = Math.sqrt(6 / (inChannels * 9));
      expect(Math.max(...weight.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...weight.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    });
    expect(buildExtractorWeights({ seed: 7, inputSize: 64 }).towers[1]!.layers[2]!.weight).toEqual(layers[6]!.weight);
    expect(buildExtractorWeights({ seed: 8, inputSize: 64 }).towers[0]!.layers[0]!.weight).not.toEqual(layers[0]!.weight);
  });

  it('refuses an input size that is not a multiple of 8', () => {
    expect(() => buildExtractorWeights({ seed: 7, inputSize: 60 })).toThrow(/input size must be a positive multiple of 8, got 60/);
    expect(() => buildExtractorWeights({ seed: 7, inputSize: 0 })).toThrow(InputError);
  });
});

describe('regionOf', () => {
  it('splits a map into R×R regions by floor(position·R/side), whatever the side', () => {
    expect(Array.from({ length: 16 }, (_, p) => regionOf(p, 4, 2))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    expect(Array.from({ length: 9 }, (_, p) => regionOf(p, 3, 2))).toEqual([0, 0, 1, 0, 0, 1, 2, 2, 3]);
    // A map smaller than R leaves regions empty.
    expect(Array.from({ length: 4 }, (_, p) => regionOf(p, 2, 4))).toEqual([0, 2, 8, 10]);
  });
});
