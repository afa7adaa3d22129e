import { describe, expect, it } from 'vitest';
import type { DatasetItem, DatasetItemV2 } from '../../src/artifacts/schemas/dataset.js';
import type { Taxonomy } from '../../src/artifacts/schemas/taxonomy.js';
import type { ValidationThresholds } from '../../src/artifacts/schemas/thresholds.js';
import {
  checkClassDistribution,
  checkConflictingLabels,
  checkFreshness,
  checkLeakage,
  checkRegionBoxes,
  checkTaxonomy,
  type CheckContext,
  type DatasetCheck,
} from '../../src/dataset/validation-checks.js';
import { checkImageHeaders, checkImages } from '../../src/dataset/image-checks.js';

const taxonomy: Taxonomy = {
  schema: 'Taxonomy/v1',
  taxonomy_version: 'taxonomy_v1',
  classes: [{ name: 'circle' }, { name: 'square' }],
  region_classes: [{ name: 'circle' }, { name: 'square' }],
  checksum: '0'.repeat(64),
};
const thresholds: ValidationThresholds = {
  schema: 'ValidationThresholds/v1',
  min_samples_per_class: 2,
  max_imbalance_ratio: 3,
  freshness: { warn_after_days: 7, error_after_days: 30 },
  leakage_cutoff: null,
  min_region_size: 0.01,
};

function item(id: string, label: string, extra: Partial<DatasetItem> = {}): DatasetItem {
  return {
    schema: 'DatasetItem/v1',
    id,
    split: 'train',
    image: { url: `${id}.png`, sha256: id.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'), width: 10, height: 10 },
    classes: [label],
    regions: [{ label, x: 0.1, y: 0.1, width: 0.2, height: 0.2, rotation: 0 }],
    annotation: { task_id: 1, annotation_id: 1, completed_by: 1, ground_truth: false, updated_at: '2026-11-20T00:00:00.000Z' },
    meta: {},
    ...extra,
  };
}

const balanced = [item('a1', 'circle'), item('a2', 'circle'), item('b1', 'square'), item('b2', 'square')];
const input = (items: DatasetItem[], overrides: Partial<CheckContext> = {}) => ({
  items,
  context: { weakLabels: [], taxonomy, thresholds, now: new Date('2026-11-22T00:00:00.000Z'), ...overrides },
});

/** Feeds the items through a check, as validation does while they stream past. */
function run(create: (context: CheckContext) => DatasetCheck, { items, context }: ReturnType<typeof input>) {
  const check = create(context);
  for (const item of items) check.add(item);
  return check.finish();
}

describe('dataset validation checks', () => {
  it('pass a balanced, fresh, consistent dataset', () => {
    for (const check of [checkTaxonomy, checkClassDistribution, checkRegionBoxes, checkConflictingLabels, checkFreshness, checkLeakage, checkImages]) {
      expect(run(check, input(balanced)).status, check.name).toBe('pass');
    }
  });

  it('fail a label outside the taxonomy, naming the item and label', () => {
    expect(run(checkTaxonomy, input([item('x', 'hexagon')]))).toMatchObject({ status: 'fail', details: ['x: class "hexagon"', 'x: region class "hexagon"'] });
  });

  it('fail too few samples and too much imbalance', () => {
    const few = run(checkClassDistribution, input([item('a1', 'circle'), ...balanced.slice(2)]));
    expect(few.status).toBe('fail');
    expect(few.message).toContain('class "circle" has 1 samples, fewer than 2');
    const skewed = [...Array.from({ length: 7 }, (_, i) => item(`c${i}`, 'circle')), ...balanced.slice(2)];
    expect(run(checkClassDistribution, input(skewed)).message).toContain('class imbalance 3.50 exceeds 3');
  });

  it('fail boxes that leave the image or have no area', () => {
    const outside = item('o', 'circle', { regions: [{ label: 'circle', x: 0.9, y: 0.1, width: 0.2, height: 0.2, rotation: 0 }] });
    const flat = item('f', 'circle', { regions: [{ label: 'circle', x: 0.1, y: 0.1, width: 0.2, height: 0.001, rotation: 0 }] });
    expect(run(checkRegionBoxes, input([outside, flat])).details).toEqual([
      'o region 0 (circle): x + width = 1.100000 > 1',
      'f region 0 (circle): degenerate, 0.2000 × 0.0010 is below 0.01',
    ]);
  });

  it('fail one image under two different labels', () => {
    const same = { url: 'same.png', sha256: 'f'.repeat(64), width: 10, height: 10 };
    const result = run(checkConflictingLabels, input([item('p', 'circle', { image: same }), item('q', 'square', { image: same })]));
    expect(result).toMatchObject({ status: 'fail', details: [`image ffffffffffff: p says circle, q says square`] });
  });

  it('warn, then fail, as labels grow stale', () => {
    expect(run(checkFreshness, input(balanced, { now: new Date('2026-12-01T00:00:00.000Z') })).status).toBe('warn');
    expect(run(checkFreshness, input(balanced, { now: new Date('2027-01-01T00:00:00.000Z') })).status).toBe('fail');
  });

  it('fail labels observed after the leakage cutoff', () => {
    const cutoff = { ...thresholds, leakage_cutoff: '2026-11-10T00:00:00.000Z' };
    expect(run(checkLeakage, input(balanced, { thresholds: cutoff }))).toMatchObject({ status: 'fail', message: '4 label(s) observed after the cutoff 2026-11-10T00:00:00.000Z' });
  });

  it('fail past max_missing_images (default 0) naming each item, and only warn within it', () => {
    const missing = item('m', 'circle', { image: { url: 's3://bucket/m.png', sha256: null, width: null, height: null } });
    expect(run(checkImages, input([missing]))).toMatchObject({ status: 'fail', details: ['m: s3://bucket/m.png'] });
    expect(run(checkImages, input([missing], { thresholds: { ...thresholds, max_missing_images: 0 } }))).toMatchObject({ status: 'fail' });
    expect(run(checkImages, input([missing], { thresholds: { ...thresholds, max_missing_images: 1 } }))).toMatchObject({ status: 'warn', details: ['m: s3://bucket/m.png'] });
  });

  it('fail images whose header shows training cannot decode them, naming item, file and rule; v1 items carry no header', () => {
    const v2 = (id: string, image: Partial<DatasetItemV2['image']>): DatasetItem => ({
      ...item(id, 'circle'),
      schema: 'DatasetItem/v2',
      image: { url: `${id}.png`, sha256: 'a'.repeat(64), width: 10, height: 10, format: 'png', defect: null, ...image },
    });
    const sound = v2('ok', {});
    const cut = v2('cut', { defect: { rule: 'image-truncated', message: 'the PNG has no IEND chunk: the file was cut off' } });
    const huge = v2('huge', { width: 30_000, height: 30_000 });
    const v1 = item('old', 'circle');
    expect(run(checkImageHeaders, input([sound, v1]))).toMatchObject({ status: 'pass' });
    expect(run(checkImageHeaders, input([sound, cut, huge, v1]))).toEqual({
      name: 'image-headers',
      status: 'fail',
      message: '2 image(s) that training cannot decode',
      details: ['cut: cut.png: image-truncated: the PNG has no IEND chunk: the file was cut off', 'huge: huge.png: image-pixel-limit: 30000×30000 is more than max_image_pixels 50000000'],
    });
    expect(run(checkImageHeaders, input([huge], { thresholds: { ...thresholds, max_image_pixels: 900_000_000 } })).status).toBe('pass');
  });
});
