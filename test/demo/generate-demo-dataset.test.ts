import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDemoPng } from '../../src/demo/encode-demo-png.js';
import { generateDemoDataset, type DemoDatasetFiles } from '../../src/demo/generate-demo-dataset.js';
import { renderDemoScene } from '../../src/demo/render-demo-scene.js';

const FILES = ['export-1.json', 'export-2.json', 'label_config.xml', 'taxonomy.json', 'weak-labels.csv', 'weak-labels.jsonl'];
let root: string;
let a: DemoDatasetFiles;
let b: DemoDatasetFiles;
let other: DemoDatasetFiles;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cairn-demo-test-'));
  const options = { seed: 7, count: 30, imageSize: 48, startDate: new Date('2025-06-01T00:00:00Z') };
  [a, b, other] = await Promise.all([
    generateDemoDataset({ ...options, outDir: join(root, 'a') }),
    generateDemoDataset({ ...options, outDir: join(root, 'b') }),
    generateDemoDataset({ ...options, seed: 8, outDir: join(root, 'other') }),
  ]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function snapshot(files: DemoDatasetFiles): Promise<Map<string, Buffer>> {
  const names = [...FILES, ...(await readdir(files.imagesDir)).map((f) => `images/${f}`)];
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(files.outDir, name))] as const)));
}

describe('generateDemoDataset', () => {
  it('writes the images and the six data files, and returns their paths', async () => {
    expect((await readdir(a.outDir)).sort()).toEqual([...FILES, 'images'].sort());
    expect(a.images).toHaveLength(33);
    expect((await readdir(a.imagesDir)).sort()).toEqual(a.images.map((p) => basename(p)).sort());
    expect(basename(a.firstExport)).toBe('export-1.json');
    expect(basename(a.weakLabelsCsv)).toBe('weak-labels.csv');
  });

  it('writes byte-identical files for the same seed and options', async () => {
    const [left, right] = await Promise.all([snapshot(a), snapshot(b)]);
    expect([...left.keys()]).toEqual([...right.keys()]);
    for (const [name, bytes] of left) expect(bytes.equals(right.get(name)!), name).toBe(true);
  });

  it('writes different exports and images for another seed', async () => {
    const [left, right] = await Promise.all([snapshot(a), snapshot(other)]);
    expect(left.get('export-1.json')!.equals(right.get('export-1.json')!)).toBe(false);
    const leftImages = new Set([...left].filter(([n]) => n.startsWith('images/')).map(([, v]) => v.toString('base64')));
    const shared = [...right].filter(([n, v]) => n.startsWith('images/') && leftImages.has(v.toString('base64')));
    expect(shared).toEqual([]);
  });

  it('names in each task the image file it wrote', async () => {
    const tasks = JSON.parse(await readFile(a.secondExport, 'utf8')) as Array<{ id: number; data: { image: string } }>;
    expect(tasks.map((t) => join(a.imagesDir, basename(t.data.image)))).toEqual(a.images);
  });

  it('encodes lossless PNGs of the configured size that decode to the rendered pixels', async () => {
    for (const scene of a.dataset.scenes.slice(0, 5)) {
      const { data, info } = await sharp(a.images[scene.index]!).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([48, 48, 3]);
      expect(Buffer.from(renderDemoScene(scene)).equals(data)).toBe(true);
    }
  });

  it('encodes the same scene to the same bytes twice', async () => {
    const scene = a.dataset.scenes[0]!;
    const [first, second] = await Promise.all([encodeDemoPng(scene), encodeDemoPng(scene)]);
    expect(first.equals(second)).toBe(true);
    expect(first.equals(await readFile(a.images[0]!))).toBe(true);
  });

  it('writes Label Studio exports, the config and the taxonomy as parseable text', async () => {
    const first = JSON.parse(await readFile(a.firstExport, 'utf8')) as unknown[];
    expect(first).toEqual(a.dataset.exports.first);
    expect(JSON.parse(await readFile(a.taxonomy, 'utf8'))).toEqual(a.dataset.taxonomy);
    expect(await readFile(a.labelConfig, 'utf8')).toBe(a.dataset.labelConfig);
  });
});
