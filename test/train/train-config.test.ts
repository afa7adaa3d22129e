import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/errors.js';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../src/train/train-config.js';

describe('resolveTrainConfig', () => {
  it('fills every default and merges a head given in part', () => {
    expect(resolveTrainConfig()).toEqual(DEFAULT_TRAIN_CONFIG);
    const config = resolveTrainConfig({ seed: 9, classHead: { epochs: 5 } });
    expect(config.seed).toBe(9);
    expect(config.classHead).toEqual({ ...DEFAULT_TRAIN_CONFIG.classHead, epochs: 5 });
    expect(config.boxes).toEqual(DEFAULT_TRAIN_CONFIG.boxes);
  });

  // The built-in trainer's config schema (the one model.yaml is checked against) decides.
  it.each([
    [{ seed: -1 }, '/seed'],
    [{ seed: 2 ** 32 }, '/seed'],
    [{ minSteps: 1.5 }, '/minSteps'],
    [{ classHead: { epochs: 0 } }, '/classHead/epochs'],
    [{ objectness: { batchSize: 0 } }, '/objectness/batchSize'],
    [{ regionClasses: { learningRate: 0 } }, '/regionClasses/learningRate'],
    [{ boxes: { l2: -1 } }, '/boxes/l2'],
    [{ boxes: { l2: Number.NaN } }, '/boxes/l2'],
    [{ positiveWeight: 0 }, '/positiveWeight'],
  ])('refuses %j with a SchemaError at %s', (overrides, path) => {
    expect(() => resolveTrainConfig(overrides)).toThrow(SchemaError);
    try {
      resolveTrainConfig(overrides);
    } catch (error) {
      expect((error as SchemaError).errors.map((fault) => fault.path)).toContain(path);
    }
  });
});
