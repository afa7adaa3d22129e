import { describe, expect, it } from 'vitest';
import { annotation, box, choices, expectRule, normalize, task } from './task-builders.js';

const withResult = (...result: unknown[]) => task({ annotations: [annotation({ result })] });

describe('normalizeTask refuses bad input, naming the file, the task and the rule', () => {
  it.each([
    ['a string coordinate', { x: '10' }, 'non-numeric-coordinate'],
    ['a null coordinate', { width: null }, 'non-numeric-coordinate'],
    ['a missing coordinate', { y: undefined }, 'non-numeric-coordinate'],
    ['a string rotation', { rotation: 'NaN' }, 'non-numeric-coordinate'],
    ['a negative coordinate', { x: -0.5 }, 'coordinate-range'],
    ['a coordinate over 100', { height: 100.5 }, 'coordinate-range'],
    ['x + width over 100', { x: 80, width: 20.01 }, 'box-outside-image'],
    ['y + height over 100', { y: 70, height: 30.001 }, 'box-outside-image'],
    ['labels that are not a list', { rectanglelabels: 'circle' }, 'wrong-type'],
    ['a label that is not a usable class name', { rectanglelabels: ['big circle'] }, 'label-name'],
  ])('a box with %s', (_case, value, rule) => {
    expectRule(withResult(box(value)), rule);
  });

  it.each([
    ['no original_width', { original_width: undefined }, 'missing-original-size'],
    ['no original_height', { original_height: null }, 'missing-original-size'],
    ['a zero original_width', { original_width: 0 }, 'wrong-type'],
    ['a fractional original_height', { original_height: 12.5 }, 'wrong-type'],
    ['an image rotated in the labelling view', { image_rotation: 90 }, 'image-rotation'],
    ['a value that is not an object', { value: [1, 2] }, 'wrong-type'],
  ])('a box result with %s', (_case, extra, rule) => {
    expectRule(withResult(box({}, extra)), rule);
  });

  it('boxes that disagree on the image size', () => {
    expectRule(withResult(box(), box({}, { original_width: 201 })), 'inconsistent-image-size');
  });

  it.each([
    ['choices that are not strings', choices(...([1, 2] as unknown as string[])), 'wrong-type'],
    ['a choice that is not a usable class name', choices('a/b'), 'label-name'],
    ['a result that is not an object', 'circle', 'wrong-type'],
    ['a result without a type', { value: {} }, 'wrong-type'],
  ])('%s', (_case, result, rule) => {
    expectRule(withResult(result), rule);
  });

  it.each([
    ['a result that is not a list', task({ annotations: [annotation({ result: {} })] }), 'wrong-type'],
    ['annotations that are not a list', task({ annotations: { id: 1 } }), 'wrong-type'],
    ['an annotation that is not an object', task({ annotations: [7] }), 'wrong-type'],
    ['was_cancelled that is not a boolean', task({ annotations: [annotation({ was_cancelled: 'no' })] }), 'wrong-type'],
    ['ground_truth that is not a boolean', task({ annotations: [annotation({ ground_truth: 1 })] }), 'wrong-type'],
    ['an annotation id that is not an integer', task({ annotations: [annotation({ id: 1.5 })] }), 'wrong-type'],
    ['completed_by of the wrong type', task({ annotations: [annotation({ completed_by: [1] })] }), 'wrong-type'],
    ['a timestamp that is not ISO 8601', task({ annotations: [annotation({ updated_at: 'yesterday' })] }), 'timestamp'],
    ['an impossible date', task({ updated_at: '2026-02-30T10:00:00Z' }), 'timestamp'],
    ['a timestamp of the wrong type', task({ updated_at: true }), 'wrong-type'],
    ['no image', task({ data: { text: 'hello' } }), 'missing-image'],
    ['an image URL that is not a string', task({ data: { image: 42 } }), 'wrong-type'],
    ['data that is not an object', task({ data: 'a.png' }), 'wrong-type'],
    ['meta that is not an object', task({ meta: [] }), 'wrong-type'],
    ['a taxonomy version that is not a string', task({ data: { image: 'a.png', taxonomy_version: 2 } }), 'wrong-type'],
  ])('a task with %s', (_case, raw, rule) => {
    expectRule(raw, rule);
  });

  it('an old completion with no time anywhere', () => {
    expectRule({ id: 7, completions: [{ id: 1, result: [choices('circle')] }], data: { image: 'a.png' } }, 'missing-timestamp');
  });

  it('names the task by its index before its id is known', () => {
    expectRule(task({ id: 'seven' }), 'wrong-type', '#3');
    expectRule([1, 2], 'task-not-object', '#3');
    expectRule(null, 'task-not-object', '#3');
  });

  it('accepts a box that ends exactly on the edge and a rotated box whose x + width passes 100', () => {
    expect(normalize(withResult(box({ x: 70, width: 30, y: 0, height: 100 })))).toMatchObject({ regions: [{ x: 0.7, width: 0.3 }] });
    expect(normalize(withResult(box({ x: 90, width: 30, y: 10, height: 10, rotation: 90 })))).toMatchObject({ regions: [{ rotation: 90 }] });
  });
});
