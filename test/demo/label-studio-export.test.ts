import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../src/demo/build-demo-dataset.js';
import { buildDemoScene } from '../../src/demo/build-demo-scene.js';
import { buildRectangleResult } from '../../src/demo/label-studio-export.js';
import { DEMO_SHAPES } from '../../src/demo/shapes.js';

type Json = Record<string, unknown>;
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/label-studio-shape/sdk-yolo-export-rectanglelabels.json', import.meta.url), 'utf8'),
) as Json[];
const fixtureTask = fixture[0]!;
const fixtureAnnotation = (fixtureTask.annotations as Json[])[0]!;
const fixtureRegion = (fixtureAnnotation.result as Json[])[0]!;

const dataset = buildDemoDataset({ seed: 11, count: 60 });
const tasks = dataset.exports.second as unknown as Json[];
const keys = (value: unknown) => Object.keys(value as Json);

describe('the demo export, compared with a real Label Studio export', () => {
  it('has the same task keys, in the same order', () => {
    for (const task of tasks) expect(keys(task)).toEqual(keys(fixtureTask));
  });

  it('has the same annotation keys, in the same order', () => {
    for (const task of tasks) for (const annotation of task.annotations as Json[]) expect(keys(annotation)).toEqual(keys(fixtureAnnotation));
  });

  it('has the same rectangle result keys and value keys', () => {
    const regions = tasks.flatMap((t) => (t.annotations as Json[]).flatMap((a) => a.result as Json[])).filter((r) => r.type === 'rectanglelabels');
    expect(regions.length).toBeGreaterThan(60);
    for (const region of regions) {
      expect(keys(region)).toEqual(keys(fixtureRegion));
      expect(keys(region.value)).toEqual(keys(fixtureRegion.value));
      expect(region).toMatchObject({ from_name: 'region', to_name: 'image', image_rotation: 0, value: { rotation: 0 } });
      expect(region.id).toMatch(/^[A-Za-z0-9_-]{10}$/);
    }
  });

  it('has one choices result first, then one box per drawn object', () => {
    for (const task of dataset.exports.first) {
      const scene = dataset.scenes[task.id - 1]!;
      const [choice, ...regions] = task.annotations[0]!.result;
      expect(choice).toMatchObject({ type: 'choices', from_name: 'class', to_name: 'image', origin: 'manual' });
      expect(regions.map((r) => (r.type === 'rectanglelabels' ? r.value.rectanglelabels : []))).toEqual(scene.objects.map((o) => [o.shape]));
    }
  });

  it('points each task at an uploaded file and binds it to taxonomy_v1', () => {
    for (const task of dataset.exports.second) {
      expect(task.data.image).toMatch(/^\/data\/upload\/1\/[0-9a-f]{8}-demo-\d{6}\.png$/);
      expect(task.data.taxonomy_version).toBe('taxonomy_v1');
    }
  });
});

describe('buildRectangleResult', () => {
  it('writes percent coordinates in [0, 100] that map back to the exact pixel box', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 16, max: 400 }), fc.nat(500), (seed, imageSize, index) => {
        const scene = buildDemoScene(index, { seed, imageSize, classes: DEMO_SHAPES });
        for (const object of scene.objects) {
          const { value, original_width, original_height } = buildRectangleResult(object, imageSize, 'id');
          expect([original_width, original_height]).toEqual([imageSize, imageSize]);
          for (const n of [value.x, value.y, value.width, value.height]) expect(n >= 0 && n <= 100).toBe(true);
          expect(value.x + value.width).toBeLessThanOrEqual(100);
          expect(value.y + value.height).toBeLessThanOrEqual(100);
          const toPixels = (percent: number) => Math.round((percent * imageSize) / 100);
          expect({ x: toPixels(value.x), y: toPixels(value.y), width: toPixels(value.width), height: toPixels(value.height) }).toEqual(object.box);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every box that touches the right or bottom edge within 100%, for every size up to 1024', () => {
    let overshoots = 0;
    for (let imageSize = 16; imageSize <= 1024; imageSize++) {
      for (let width = 1; width < imageSize; width++) {
        const box = { x: imageSize - width, y: imageSize - width, width, height: width };
        const { value } = buildRectangleResult({ shape: 'square', color: [255, 0, 0], cell: { ...box, size: width }, box }, imageSize, 'id');
        if (value.x + value.width > 100 || value.y + value.height > 100) overshoots++;
      }
    }
    expect(overshoots).toBe(0);
  });
});
