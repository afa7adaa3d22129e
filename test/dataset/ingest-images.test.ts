import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetItemV2 } from '../../src/artifacts/schemas/dataset.js';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import type { ImageFetcher } from '../../src/dataset/labelled-task.js';
import { runIngest } from '../../src/dataset/run-ingest.js';
import { runValidate } from '../../src/dataset/run-validate.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { headOf, tempDir } from '../helpers/git.js';
import { makeImage, withPngSize } from '../helpers/images.js';
import { CELLS_EXPORT as FIXTURE, CELLS_NOW as NOW, initCellsRepo } from '../helpers/cells-repo.js';

let root: string;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  await initCellsRepo(dir);
});
afterEach(() => cleanup());

/** An export of the fixture's first task copied once per image name, as tasks 1, 2, … */
async function exportFor(names: string[]): Promise<string> {
  const [task] = JSON.parse(await readFile(FIXTURE, 'utf8')) as Array<Record<string, any>>;
  const tasks = names.map((name, i) => ({ ...structuredClone(task!), id: i + 1, data: { ...task!.data, image: `/${name}` } }));
  const path = join(root, 'export.json');
  await writeFile(path, JSON.stringify(tasks));
  return path;
}

const ingest = (path: string, fetchImage: ImageFetcher | null) => runIngest({ dir, reader: new RepoReader(dir), dataset: 'cells', source: exportFileSource(path), fetchImage, runId: 't', now: NOW });
const items = async (version: string) => (await new RepoReader(dir).readLines('DatasetItem', 'HEAD', `datasets/cells/${version}/items.jsonl`)) as DatasetItemV2[];

describe('image headers read at ingestion', () => {
  it('records format and size, names every undecodable or oversized image, and fails validation on them', async () => {
    const png = await makeImage('png');
    const jpeg = await makeImage('jpeg');
    const images: Record<string, Uint8Array> = {
      '/good.png': png,
      '/empty.png': new Uint8Array(),
      '/page.png': Buffer.from('<html>404</html>'),
      '/cut.png': png.subarray(0, png.length - 100),
      '/cut.jpg': jpeg.subarray(0, jpeg.length >> 1),
      '/bomb.png': withPngSize(png, 30_000, 30_000),
    };
    const path = await exportFor(Object.keys(images).map((url) => url.slice(1)));
    await ingest(path, async (url) => images[url] ?? null);
    const recorded = Object.fromEntries((await items('v0001')).map((item) => [item.image.url, item.image]));
    expect(recorded['/good.png']).toMatchObject({ format: 'png', width: 120, height: 80, defect: null });
    expect(recorded['/empty.png']).toMatchObject({ format: null, defect: { rule: 'image-unreadable', message: 'the file is empty' } });
    expect(recorded['/page.png']).toMatchObject({ format: null, defect: { rule: 'image-unreadable' } });
    expect(recorded['/cut.png']).toMatchObject({ format: 'png', defect: { rule: 'image-truncated' } });
    expect(recorded['/cut.jpg']).toMatchObject({ format: 'jpeg', defect: { rule: 'image-truncated' } });
    expect(recorded['/bomb.png']).toMatchObject({ format: 'png', width: 30_000, height: 30_000, defect: null });

    const { report } = await runValidate({ dir, reader: new RepoReader(dir), dataset: 'cells', runId: 't', now: NOW });
    const check = report.checks.find((c) => c.name === 'image-headers')!;
    expect(check).toMatchObject({ status: 'fail', message: '5 image(s) that training cannot decode' });
    expect(check.details).toEqual([
      expect.stringMatching(/^1-2: \/empty\.png: image-unreadable: the file is empty$/),
      expect.stringMatching(/^1-3: \/page\.png: image-unreadable: /),
      expect.stringMatching(/^1-4: \/cut\.png: image-truncated: the PNG has no IEND chunk/),
      expect.stringMatching(/^1-5: \/cut\.jpg: image-truncated: the JPEG has no end-of-image marker/),
      '1-6: /bomb.png: image-pixel-limit: 30000×30000 is more than max_image_pixels 50000000',
    ]);
  });
});

describe('images missing at ingestion', () => {
  it('fail validation past max_missing_images, and a re-ingest that can fetch them records them in a new version', async () => {
    const path = await exportFor(['a.png', 'b.png', 'c.png']);
    const png = await makeImage('png');
    // The first run had a wrong --images root: nothing could be fetched.
    expect(await ingest(path, async () => null)).toMatchObject({ version: 'v0001', added: 3, missingImages: 3 });
    const { report } = await runValidate({ dir, reader: new RepoReader(dir), dataset: 'cells', runId: 't', now: NOW });
    expect(report.checks.find((c) => c.name === 'images')).toMatchObject({ status: 'fail', details: ['1-1: /a.png', '1-2: /b.png', '1-3: /c.png'] });

    // The right root, but c.png is still absent: a and b are now fetched and count as changed.
    const head = await headOf(dir);
    const again = await ingest(path, async (url) => (url === '/c.png' ? null : png));
    expect(again).toMatchObject({ version: 'v0002', added: 0, updated: 2 });
    const images = (await items('v0002')).map((item) => [item.id, item.image.sha256 !== null]);
    expect(images).toEqual([['1-1', true], ['1-2', true], ['1-3', false]]);
    expect(await headOf(dir, 'HEAD^')).toBe(head);

    // Nothing more to fetch: nothing new.
    expect(await ingest(path, async (url) => (url === '/c.png' ? null : png))).toMatchObject({ version: null, commit: null });
  });
});
