import { describe, expect, it } from 'vitest';
import { buildDemoScene, type DemoScene, type PixelBox } from '../../src/demo/build-demo-scene.js';
import { BACKGROUND_MAX_SPREAD, OBJECT_MIN_SPREAD } from '../../src/demo/colors.js';
import { renderDemoScene } from '../../src/demo/render-demo-scene.js';
import { DEMO_SHAPES } from '../../src/demo/shapes.js';

const options = { seed: 42, imageSize: 64, classes: DEMO_SHAPES };
const scenes = Array.from({ length: 300 }, (_, index) => buildDemoScene(index, options));

/** max − min of a pixel's channels: near 0 on the grey backgrounds, large on the saturated objects. */
function spread(pixels: Uint8Array, at: number): number {
  const [r, g, b] = [pixels[at] ?? 0, pixels[at + 1] ?? 0, pixels[at + 2] ?? 0];
  return Math.max(r, g, b) - Math.min(r, g, b);
}

function inside(box: PixelBox, x: number, y: number): boolean {
  return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
}

describe('buildDemoScene', () => {
  it('is a pure function of seed, index and options', () => {
    expect(buildDemoScene(5, options)).toEqual(buildDemoScene(5, options));
    expect(buildDemoScene(5, options)).not.toEqual(buildDemoScene(5, { ...options, seed: 43 }));
    expect(buildDemoScene(5, options)).not.toEqual(buildDemoScene(6, options));
  });

  it('draws 1 to 3 objects whose boxes lie inside the image and never touch', () => {
    for (const scene of scenes) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(scene.objects.length).toBeLessThanOrEqual(3);
      for (const { box } of scene.objects) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(scene.size);
        expect(box.y + box.height).toBeLessThanOrEqual(scene.size);
        expect(box.width).toBeGreaterThan(0);
        expect(box.height).toBeGreaterThan(0);
      }
      const boxes = scene.objects.map((o) => o.box);
      boxes.forEach((a, i) =>
        boxes.slice(i + 1).forEach((b) => {
          const apart = a.x + a.width < b.x || b.x + b.width < a.x || a.y + a.height < b.y || b.y + b.height < a.y;
          expect(apart).toBe(true);
        }),
      );
    }
  });

  it('labels each image with the class of its largest object', () => {
    for (const scene of scenes) {
      const areas = scene.objects.map((o) => o.box.width * o.box.height);
      const largest = areas.indexOf(Math.max(...areas));
      expect(scene.label).toBe(scene.objects[largest]?.shape);
    }
  });

  it('uses every class as an image label and every background kind', () => {
    expect(new Set(scenes.map((s) => s.label))).toEqual(new Set(DEMO_SHAPES));
    expect(new Set(scenes.map((s) => s.background.kind))).toEqual(new Set(['gradient', 'stripes', 'noise']));
  });

  it('follows class weights, and never labels an image with a class of weight zero', () => {
    const weighted = Array.from({ length: 200 }, (_, i) =>
      buildDemoScene(i, { ...options, classWeights: { circle: 0, square: 3 } }),
    );
    const labels = weighted.map((s) => s.label);
    expect(labels).not.toContain('circle');
    expect(labels.filter((l) => l === 'square').length).toBeGreaterThan(labels.filter((l) => l === 'ring').length * 2);
  });
});

describe('renderDemoScene', () => {
  it('fills exactly the pixels of each box extent with the object colour, and nothing outside the boxes', () => {
    for (const scene of scenes.slice(0, 100)) {
      const pixels = renderDemoScene(scene);
      expect(pixels).toHaveLength(scene.size * scene.size * 3);
      const faults: string[] = [];
      const extents = scene.objects.map(() => ({ minX: Infinity, minY: Infinity, maxX: -1, maxY: -1 }));
      for (let y = 0; y < scene.size; y++) {
        for (let x = 0; x < scene.size; x++) {
          const at = (y * scene.size + x) * 3;
          const s = spread(pixels, at);
          if (s <= BACKGROUND_MAX_SPREAD) continue;
          if (s < OBJECT_MIN_SPREAD) faults.push(`(${x}, ${y}) is neither background nor object`);
          const owner = scene.objects.findIndex((o) => inside(o.box, x, y));
          const object = scene.objects[owner];
          if (!object) faults.push(`object pixel (${x}, ${y}) outside every box`);
          else if (object.color.some((c, i) => pixels[at + i] !== c)) faults.push(`(${x}, ${y}) is not its object's colour`);
          const e = extents[owner];
          if (e) [e.minX, e.minY, e.maxX, e.maxY] = [Math.min(e.minX, x), Math.min(e.minY, y), Math.max(e.maxX, x), Math.max(e.maxY, y)];
        }
      }
      expect(faults, `image ${scene.index}`).toEqual([]);
      const drawn = extents.map((e) => ({ x: e.minX, y: e.minY, width: e.maxX - e.minX + 1, height: e.maxY - e.minY + 1 }));
      expect(drawn).toEqual(scene.objects.map((o) => o.box));
    }
  });

  it('draws a hand-made scene: a red square on flat grey', () => {
    const scene: DemoScene = {
      index: 0,
      size: 16,
      background: { kind: 'noise', from: [100, 100, 100], noise: 0, noiseSeed: 1 },
      objects: [{ shape: 'square', color: [255, 0, 0], cell: { x: 3, y: 5, size: 8 }, box: { x: 3, y: 5, width: 8, height: 8 } }],
      label: 'square',
    };
    const pixels = renderDemoScene(scene);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const expected = x >= 3 && x < 11 && y >= 5 && y < 13 ? [255, 0, 0] : [100, 100, 100];
        expect([...pixels.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3)]).toEqual(expected);
      }
    }
  });

  it('renders the same bytes every time', () => {
    const scene = scenes[3]!;
    expect(Buffer.from(renderDemoScene(scene)).equals(Buffer.from(renderDemoScene(scene)))).toBe(true);
  });
});
