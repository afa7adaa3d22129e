import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/errors.js';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { validateArtifact } from '../../src/artifacts/validate.js';

/** ajv-formats' own date-time check, which the schema's fast path for cairn's fixed form must agree with. */
const dateTime = fullFormats['date-time'] as { validate: (value: string) => boolean };

function itemAt(updatedAt: string): DatasetItem {
  return {
    schema: 'DatasetItem/v1',
    id: '1-1',
    split: 'train',
    image: { url: '/data/1.png', sha256: null, width: 64, height: 64 },
    classes: ['circle'],
    regions: [],
    annotation: { task_id: 1, annotation_id: 1, completed_by: null, ground_truth: false, updated_at: updatedAt },
    meta: {},
  };
}

function accepted(updatedAt: string): boolean {
  try {
    validateArtifact('DatasetItem', itemAt(updatedAt), 'items.jsonl', 1);
    return true;
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return false;
  }
}

describe('DatasetItem timestamps', () => {
  it.each([
    ['2026-11-01T00:10:12.565509Z', true],
    ['2024-02-29T23:59:59.999999Z', true],
    ['2023-02-29T00:00:00.000000Z', false],
    ['2026-11-01T24:00:00.000000Z', false],
    ['2026-13-01T00:00:00.000000Z', false],
    ['2026-11-01T00:10:12.56550Z', true],
    ['2026-11-01T00:10:12Z', true],
    ['2026-11-01 00:10:12.565509Z', true],
    ['2026-11-01T00:10:12.565509', false],
    ['2026-11-01T00:10:12.565509+01:00', true],
    ['2016-12-31T23:59:60.000000Z', true],
    ['2026-11-01T00:10:12.56550xZ', false],
  ])('%s: accepted %s', (value, expected) => {
    expect(accepted(value)).toBe(expected);
    expect(dateTime.validate(value)).toBe(expected);
  });

  it('accepts exactly what ajv-formats accepts, in and around the fixed form', () => {
    const digit = fc.constantFrom(...'0123456789');
    const noise = fc.constantFrom(...'0123456789-:T.Zzt +x');
    const field = (max: number, width: number) =>
      fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0')) },
        { weight: 1, arbitrary: fc.array(fc.oneof(digit, noise), { minLength: width - 1, maxLength: width + 1 }).map((c) => c.join('')) },
      );
    const sep = (s: string) => fc.oneof({ weight: 19, arbitrary: fc.constant(s) }, { weight: 1, arbitrary: noise });
    const fraction = fc.oneof({ weight: 4, arbitrary: fc.array(digit, { minLength: 6, maxLength: 6 }).map((d) => `.${d.join('')}`) }, { weight: 1, arbitrary: fc.array(digit, { maxLength: 8 }).map((d) => `.${d.join('')}`) });
    const zone = fc.constantFrom('Z', 'Z', 'Z', 'z', '', '+02:00');
    const timestamp = fc
      .tuple(field(2401, 4), sep('-'), field(13, 2), sep('-'), field(32, 2), sep('T'), field(25, 2), sep(':'), field(61, 2), sep(':'), field(61, 2), fraction, zone)
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(timestamp, (value) => {
        expect(accepted(value)).toBe(dateTime.validate(value));
      }),
      { numRuns: 5000 },
    );
  });
});
