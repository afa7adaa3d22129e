import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonLine } from '../../src/artifacts/canonical-json.js';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { validateArtifact } from '../../src/artifacts/validate.js';
import { formatItemLine } from '../../src/dataset/format-item-line.js';

const SPECIAL_NUMBERS = [0, -0, 1, 1e-7, 5e-324, 0.1 + 0.2, 1 / 3, 0.5, 0.999999999999999];
const text = fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom('é', '☃ \u2028 \u0000 "quoted" \\ back', '🦋', '\ud800'));
const probability = fc.oneof(fc.constantFrom(...SPECIAL_NUMBERS), fc.double({ min: 0, max: 1, noNaN: true }));
const finite = fc.oneof(fc.constantFrom(...SPECIAL_NUMBERS, -90, 1e21, -1e-7, 360), fc.double({ noNaN: true, noDefaultInfinity: true }));
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/);
const box = fc.record({ x: probability, y: probability, width: probability, height: probability });
const region = fc.record(
  { label: name, x: probability, y: probability, width: probability, height: probability, rotation: finite, envelope: box },
  { requiredKeys: ['label', 'x', 'y', 'width', 'height', 'rotation'] },
);
const metaKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', '10', '9', '01', '-1', '4294967295', 'é', 'B', 'a'));
const metaValue = fc.oneof(text, finite, fc.boolean(), fc.constant(null));
const timestamp = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());

const item: fc.Arbitrary<DatasetItem> = fc.record({
  schema: fc.constant('DatasetItem/v1' as const),
  id: text,
  split: fc.constantFrom('train' as const, 'val' as const, 'test' as const),
  image: fc.record({
    url: text,
    sha256: fc.oneof(fc.constant(null), fc.stringMatching(/^[0-9a-f]{64}$/)),
    width: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 100_000 })),
    height: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 100_000 })),
  }),
  classes: fc.array(name, { maxLength: 4 }),
  regions: fc.array(region, { maxLength: 4 }),
  annotation: fc.record({
    task_id: fc.oneof(fc.integer(), fc.constant(-0), fc.maxSafeInteger()),
    annotation_id: fc.integer(),
    completed_by: fc.oneof(fc.constant(null), fc.integer(), text),
    ground_truth: fc.boolean(),
    updated_at: timestamp,
  }),
  // fromEntries keeps "__proto__" as an own key, as normalisation does.
  meta: fc.array(fc.tuple(metaKey, metaValue), { maxLength: 6 }).map((entries) => Object.fromEntries(entries) as DatasetItem['meta']),
});

const defect = fc.record({ rule: fc.constantFrom('image-unreadable' as const, 'image-truncated' as const, 'image-format' as const), message: text });
const itemV2: fc.Arbitrary<DatasetItem> = item.chain((v1) =>
  fc.record({ format: fc.oneof(fc.constant(null), name), defect: fc.oneof(fc.constant(null), defect) }).map(({ format, defect }) => ({
    ...v1,
    schema: 'DatasetItem/v2' as const,
    // Keys deliberately out of order: the line must sort them.
    image: { defect, url: v1.image.url, width: v1.image.width, format, height: v1.image.height, sha256: v1.image.sha256 },
  })),
);

describe('formatItemLine', () => {
  it('writes the same bytes as canonical JSON for any valid item, of either format version', () => {
    fc.assert(
      fc.property(fc.oneof(item, itemV2), (value) => {
        validateArtifact('DatasetItem', value, 'generated');
        expect(formatItemLine(value)).toBe(formatJsonLine(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys at every depth, writes -0 as 0 and numbers in their shortest form, whatever the key order it is given', () => {
    const value = {
      split: 'val',
      schema: 'DatasetItem/v1',
      meta: { z: 'ü', n: 1e-7, m: -0, B: true },
      regions: [{ rotation: -0, envelope: { y: 0, x: 0.1 + 0.2, height: 1, width: 5e-324 }, y: 0.5, x: 1e-7, width: 0.25, label: 'ring', height: 0.125 }],
      image: { width: 64, url: '/data/☃.png', sha256: null, height: 48 },
      id: '1-7',
      classes: ['circle'],
      annotation: { updated_at: '2026-11-01T00:00:00.000001Z', task_id: 7, ground_truth: false, completed_by: 'anna', annotation_id: 70 },
    } as unknown as DatasetItem;
    Object.defineProperty(value.meta, '__proto__', { value: 'kept', enumerable: true });
    validateArtifact('DatasetItem', value, 'example');
    expect(formatItemLine(value)).toBe(formatJsonLine(value));
    expect(formatItemLine(value)).toBe(
      '{"annotation":{"annotation_id":70,"completed_by":"anna","ground_truth":false,"task_id":7,"updated_at":"2026-11-01T00:00:00.000001Z"},' +
        '"classes":["circle"],"id":"1-7","image":{"height":48,"sha256":null,"url":"/data/☃.png","width":64},' +
        '"meta":{"B":true,"__proto__":"kept","m":0,"n":1e-7,"z":"ü"},' +
        '"regions":[{"envelope":{"height":1,"width":5e-324,"x":0.30000000000000004,"y":0},"height":0.125,"label":"ring","rotation":0,"width":0.25,"x":1e-7,"y":0.5}],' +
        '"schema":"DatasetItem/v1","split":"val"}',
    );
  });

  it('sorts meta keys that look like list indexes as text, not as numbers', () => {
    const value: DatasetItem = {
      schema: 'DatasetItem/v1',
      id: 'a',
      split: 'test',
      image: { url: 'u', sha256: null, width: 1, height: 1 },
      classes: ['x'],
      regions: [],
      annotation: { task_id: 1, annotation_id: 1, completed_by: 2, ground_truth: false, updated_at: '2026-11-01T00:00:00.000000Z' },
      meta: { '9': 'nine', '10': 'ten', a: null },
    };
    expect(formatItemLine(value)).toBe(formatJsonLine(value));
    expect(formatItemLine(value)).toContain('"meta":{"10":"ten","9":"nine","a":null}');
  });

  it('leaves out an envelope that is present but undefined, as canonical JSON does', () => {
    const value: DatasetItem = {
      schema: 'DatasetItem/v1',
      id: 'a',
      split: 'train',
      image: { url: 'u', sha256: null, width: null, height: null },
      classes: [],
      regions: [{ label: 'a', x: 0, y: 0, width: 1, height: 1, rotation: 0, envelope: undefined }],
      annotation: { task_id: 1, annotation_id: 1, completed_by: null, ground_truth: true, updated_at: '2026-11-01T00:00:00.000000Z' },
      meta: {},
    };
    validateArtifact('DatasetItem', value, 'example');
    expect(formatItemLine(value)).toBe(formatJsonLine(value));
    expect(formatItemLine(value)).not.toContain('envelope');
  });
});
