import { describe, expect, it } from 'vitest';
import { resolveDemoOptions } from '../../src/demo/demo-options.js';
import { UsageError } from '../../src/errors.js';

describe('resolveDemoOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveDemoOptions({ seed: 1, count: 50 })).toMatchObject({
      imageSize: 64,
      startDate: new Date('2024-01-08T09:00:00.000Z'),
      newTaskCount: 5,
      classes: ['circle', 'square', 'triangle', 'ring', 'cross'],
      annotationErrorRate: 0.03,
      correctionRate: 0.05,
      projectId: 1,
      taxonomyVersion: 'taxonomy_v1',
    });
  });

  it.each([
    ['a fractional seed', { seed: 1.5 }],
    ['a negative seed', { seed: -1 }],
    ['a seed beyond 32 bits', { seed: 2 ** 32 }],
    ['no tasks', { count: 0 }],
    ['tiny images', { imageSize: 8 }],
    ['a rate above 1', { correctionRate: 1.5 }],
    ['a NaN rate', { weakLabelRate: Number.NaN }],
    ['an invalid date', { startDate: new Date('not a date') }],
    ['no classes', { classes: [] }],
    ['a repeated class', { classes: ['circle', 'circle'] as const }],
    ['an unknown class', { classes: ['hexagon'] as unknown as ['circle'] }],
    ['only zero weights', { classes: ['circle'] as const, classWeights: { circle: 0 } }],
  ])('refuses %s with a UsageError', (_name, override) => {
    expect(() => resolveDemoOptions({ seed: 1, count: 10, ...override })).toThrow(UsageError);
  });
});
