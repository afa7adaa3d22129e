import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../src/train/train-config.js';

describe('resolveTrainConfig', () => {
  it('fills every default and merges a head given in part', () => {
    expect(resolveTrainConfig()).toEqual(DEFAULT_TRAIN_CONFIG);
    const config = resolveTrainConfig({ seed: 9, classHead: { epochs: 5 } });
    expect(config.seed).toBe(9);
    expect(config.classHead).toEqual({ ...DEFAULT_TRAIN_CONFIG.classHead, epochs: 5 });
    expect(config.boxes).toEqual(DEFAULT_TRAIN_CONFIG.boxes);
  });

  it.each([
    [{ seed: -1 }, 'seed-range'],
    [{ seed: 2 ** 32 }, 'seed-range'],
    [{ minSteps: 1.5 }, 'train-config'],
    [{ classHead: { epochs: 0 } }, 'train-config'],
    [{ objectness: { batchSize: 0 } }, 'train-config'],
    [{ regionClasses: { learningRate: 0 } }, 'train-config'],
    [{ boxes: { l2: -1 } }, 'train-config'],
    [{ boxes: { l2: Number.NaN } }, 'train-config'],
    [{ positiveWeight: 0 }, 'train-config'],
  ])('refuses %j with an InputError (%s)', (overrides, rule) => {
    expect(() => resolveTrainConfig(overrides)).toThrow(InputError);
    try {
      resolveTrainConfig(overrides);
    } catch (error) {
      expect((error as InputError).data.rule).toBe(rule);
    }
  });
});
