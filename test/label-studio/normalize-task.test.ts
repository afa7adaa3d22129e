import { describe, expect, it } from 'vitest';
import { annotation, box, choices, normalize, normalized, T0, task } from './task-builders.js';

const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000000Z`;

describe('normalizeTask: choosing the one annotation', () => {
  it('prefers a ground-truth annotation over a later one', () => {
    const raw = task({ annotations: [annotation({ id: 1, ground_truth: true, updated_at: at(1) }), annotation({ id: 2, updated_at: at(9) })] });
    expect(normalized(raw).annotation).toMatchObject({ annotation_id: 1, ground_truth: true, updated_at: at(1) });
  });

  it('takes the latest of several ground-truth annotations', () => {
    const raw = task({ annotations: [annotation({ id: 1, ground_truth: true, updated_at: at(5) }), annotation({ id: 2, ground_truth: true, updated_at: at(3) })] });
    expect(normalized(raw).annotation.annotation_id).toBe(1);
  });

  it('never takes a cancelled annotation, even one marked ground truth', () => {
    const raw = task({ annotations: [annotation({ id: 1, ground_truth: true, was_cancelled: true }), annotation({ id: 2, updated_at: at(0) })] });
    expect(normalized(raw).annotation).toMatchObject({ annotation_id: 2, ground_truth: false });
  });

  it('breaks a tie on updated_at by created_at, then by the higher id', () => {
    const byCreated = [annotation({ id: 9, created_at: at(1) }), annotation({ id: 2, created_at: at(2) })];
    expect(normalized(task({ annotations: byCreated })).annotation.annotation_id).toBe(2);
    expect(normalized(task({ annotations: [annotation({ id: 4 }), annotation({ id: 5 }), annotation({ id: 3 })] })).annotation.annotation_id).toBe(5);
  });

  it('compares timestamps as instants, whatever their zone or fraction length', () => {
    const raw = task({ annotations: [annotation({ id: 1, updated_at: '2026-03-01T11:00:00.4+01:00' }), annotation({ id: 2, updated_at: '2026-03-01T10:00:00.35Z' })] });
    expect(normalized(raw).annotation).toMatchObject({ annotation_id: 1, updated_at: '2026-03-01T10:00:00.400000Z' });
  });

  it('skips a task with no annotations, an empty list, only cancelled ones, or an empty result', () => {
    expect(normalize(task({ annotations: undefined }))).toEqual({ taskId: 7, skipped: 'no-annotations' });
    expect(normalize(task({ annotations: [] }))).toEqual({ taskId: 7, skipped: 'no-annotations' });
    expect(normalize(task({ annotations: [annotation({ was_cancelled: true })] }))).toEqual({ taskId: 7, skipped: 'all-cancelled' });
    const polygonsOnly = annotation({ result: [{ type: 'polygonlabels', value: { points: [[1, 2]], polygonlabels: ['circle'] } }] });
    expect(normalize(task({ annotations: [polygonsOnly] }))).toEqual({ taskId: 7, skipped: 'empty-result' });
  });

  it('reads the old `completions` list, whose times are epoch seconds', () => {
    const completion = { id: 1001, lead_time: 12.5, created_at: 1596185262, result: [choices('square')] };
    const raw = { id: 1, completions: [completion], data: { image: 'https://example.com/1.jpg' } };
    expect(normalized(raw)).toMatchObject({
      updatedAt: '2020-07-31T08:47:42.000000Z',
      classes: ['square'],
      annotation: { task_id: 1, annotation_id: 1001, completed_by: null, ground_truth: false, updated_at: '2020-07-31T08:47:42.000000Z' },
    });
  });

  it('accepts ids as digit strings, as Label Studio documents them', () => {
    expect(normalized(task({ id: '7', annotations: [annotation({ id: '1001' })] })).annotation).toMatchObject({ task_id: 7, annotation_id: 1001 });
  });

  it('ignores predictions, whether objects or bare ids, and drafts', () => {
    const prediction = { model_version: 'm1', score: 0.9, result: [choices('triangle')] };
    for (const predictions of [[prediction], [11, 12], undefined]) {
      expect(normalized(task({ predictions, drafts: [{ result: [choices('ring')] }] })).classes).toEqual(['circle']);
    }
  });
});

describe('normalizeTask: what an item holds', () => {
  it('reads completed_by as an id, a user object, a string or nothing', () => {
    const by = (completed_by: unknown) => normalized(task({ annotations: [annotation({ completed_by })] })).annotation.completed_by;
    expect(by(4)).toBe(4);
    expect(by({ id: 42, email: 'a@example.com', first_name: '', last_name: '' })).toBe(42);
    expect(by('annotator@example.com')).toBe('annotator@example.com');
    expect(by(undefined)).toBeNull();
    expect(by({ email: 'a@example.com' })).toBeNull();
  });

  it('gathers classes from every choices result without repeats, and one region per box label', () => {
    const result = [choices('circle', 'ring'), choices('ring'), box({ rectanglelabels: ['circle', 'cross'] }), { type: 'keypointlabels', value: {} }];
    const item = normalized(task({ annotations: [annotation({ result })] }));
    expect(item.classes).toEqual(['circle', 'ring']);
    expect(item.regions).toEqual([
      { label: 'circle', x: 0.1, y: 0.2, width: 0.3, height: 0.4, rotation: 0 },
      { label: 'cross', x: 0.1, y: 0.2, width: 0.3, height: 0.4, rotation: 0 },
    ]);
    expect(item.image).toEqual({ url: '/data/upload/1/a.png', width: 200, height: 100 });
  });

  it('drops a box whose labels were cleared', () => {
    expect(normalized(task({ annotations: [annotation({ result: [choices('circle'), box({ rectanglelabels: [] })] })] })).regions).toEqual([]);
  });

  it('cuts a box that overshoots the edge by less than 1e-6 back to the edge', () => {
    const region = normalized(task({ annotations: [annotation({ result: [box({ x: 60, width: 40.0000005 })] })] })).regions[0]!;
    expect(region.x + region.width).toBe(1);
  });

  it('keeps every form of image URL exactly as given', () => {
    const urls = ['/data/upload/3/9f2c-cat.png', '/data/local-files/?d=images%2Fcat.png', 's3://bucket/cats/1.png', 'gs://bucket/1.png'];
    urls.push('https://cdn.example.com/a b.png', 'http://x/y.jpg', 'cat.png', '/image1');
    for (const url of urls) expect(normalized(task({ data: { image: url } })).image.url).toBe(url);
  });

  it('reads the image from another data key when the config says so', () => {
    expect(normalized(task({ data: { photo: 'p.png' } }), { imageKey: 'photo' }).image.url).toBe('p.png');
  });

  it('takes the taxonomy version from data, else meta, else null', () => {
    expect(normalized(task({ data: { image: 'a.png', taxonomy_version: 'tax_v2' }, meta: { taxonomy_version: 'tax_v1' } })).taxonomyVersion).toBe('tax_v2');
    expect(normalized(task({ meta: { taxonomy_version: 'tax_v1' } })).taxonomyVersion).toBe('tax_v1');
    expect(normalized(task()).taxonomyVersion).toBeNull();
  });

  it('keeps scalar meta values and writes others as JSON text', () => {
    const meta = { unit: 'u-17', score: 0.5, ok: true, none: null, tags: ['a', 'b'], nested: { k: 1 } };
    expect(normalized(task({ meta })).meta).toEqual({ unit: 'u-17', score: 0.5, ok: true, none: null, tags: '["a","b"]', nested: '{"k":1}' });
  });

  it('normalises timestamps to UTC with six fractional digits', () => {
    const stamp = (updated_at: unknown) => normalized(task({ updated_at })).updatedAt;
    expect(stamp('2021-07-06T06:44:08.420891Z')).toBe('2021-07-06T06:44:08.420891Z');
    expect(stamp('2021-07-06T08:44:08.4+02:00')).toBe('2021-07-06T06:44:08.400000Z');
    expect(stamp('2021-07-06 06:44:08')).toBe('2021-07-06T06:44:08.000000Z');
    expect(stamp('2021-07-06T06:44:08.123456789Z')).toBe('2021-07-06T06:44:08.123456Z');
    expect(stamp(undefined)).toBe(T0);
  });
});
