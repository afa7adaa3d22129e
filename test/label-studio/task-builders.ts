import { expect } from 'vitest';
import { InputError } from '../../src/errors.js';
import { normalizeTask, type NormalizeContext, type NormalizedTask, type SkippedTask } from '../../src/label-studio/normalize-task.js';

export const T0 = '2026-03-01T10:00:00.000000Z';

type Json = Record<string, unknown>;

/** A `rectanglelabels` result on a 200 × 100 image; `value` fields override the defaults. */
export function box(value: Json = {}, extra: Json = {}): Json {
  return {
    original_width: 200,
    original_height: 100,
    image_rotation: 0,
    value: { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['circle'], ...value },
    id: 'b0x',
    from_name: 'region',
    to_name: 'image',
    type: 'rectanglelabels',
    origin: 'manual',
    ...extra,
  };
}

export function choices(...names: string[]): Json {
  return { value: { choices: names }, id: 'ch0', from_name: 'class', to_name: 'image', type: 'choices', origin: 'manual' };
}

export function annotation(overrides: Json = {}): Json {
  return {
    id: 1,
    completed_by: 3,
    result: [choices('circle')],
    was_cancelled: false,
    ground_truth: false,
    created_at: T0,
    updated_at: T0,
    lead_time: 4.2,
    task: 7,
    ...overrides,
  };
}

export function task(overrides: Json = {}): Json {
  return {
    id: 7,
    annotations: [annotation()],
    drafts: [],
    predictions: [],
    data: { image: '/data/upload/1/a.png' },
    meta: {},
    created_at: T0,
    updated_at: '2026-03-01T10:05:00.000000Z',
    project: 1,
    ...overrides,
  };
}

export function normalize(raw: unknown, context: Partial<NormalizeContext> = {}): NormalizedTask | SkippedTask {
  return normalizeTask(raw, { file: 'export.json', index: 3, ...context });
}

export function normalized(raw: unknown, context: Partial<NormalizeContext> = {}): NormalizedTask {
  const result = normalize(raw, context);
  if ('skipped' in result) throw new Error(`task was skipped: ${result.skipped}`);
  return result;
}

/** Asserts that normalising `raw` fails with `rule`, and that the message names the file, the task and the rule. */
export function expectRule(raw: unknown, rule: string, item = '7'): InputError {
  let caught: unknown;
  try {
    normalize(raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.data).toMatchObject({ file: 'export.json', item, rule });
  expect(error.message).toContain('export.json');
  expect(error.message).toContain(`task ${item}`);
  expect(error.message).toContain(`(rule ${rule})`);
  return error;
}
