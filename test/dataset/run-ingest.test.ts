import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import { runIngest } from '../../src/dataset/run-ingest.js';
import { assertTrainable } from '../../src/dataset/assert-trainable.js';
import { runValidate } from '../../src/dataset/run-validate.js';
import { InputError, PolicyError } from '../../src/errors.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { headOf, statusOf, tempDir } from '../helpers/git.js';
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

const ingest = (path: string, extra: Partial<Parameters<typeof runIngest>[0]> = {}) =>
  runIngest({ dir, reader: new RepoReader(dir), dataset: 'cells', source: exportFileSource(path), fetchImage: null, runId: 'test', now: NOW, ...extra });

async function writeExport(name: string, tasks: unknown): Promise<string> {
  const path = join(root, `${name}.json`);
  await writeFile(path, JSON.stringify(tasks));
  return path;
}

async function fixtureTasks(): Promise<Array<Record<string, any>>> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(FIXTURE, 'utf8'));
}

describe('cairn ingest', () => {
  it('turns the real SDK export into exactly these items (latest non-cancelled annotation wins)', async () => {
    const result = await ingest(FIXTURE);
    expect(result).toMatchObject({ version: 'v0001', tasks: 2, added: 2, updated: 0, skipped: [], missingImages: 2 });
    const items = await new RepoReader(dir).readLines('DatasetItem', 'HEAD', 'datasets/cells/v0001/items.jsonl');
    expect(items).toEqual([
      {
        schema: 'DatasetItem/v2',
        id: '1-1',
        split: 'train',
        image: { url: '/image1', sha256: null, width: 2800, height: 2800, format: null, defect: null },
        classes: [],
        regions: [
          { label: 'parasites', x: 0.3788706739526412, y: 0.7176684881602914, width: 0.03825136612021857, height: 0.04553734061930784, rotation: 0 },
          { label: 'white', x: 0.4918032786885246, y: 0.2313296903460838, width: 0.052823315118397086, height: 0.04007285974499089, rotation: 0 },
        ],
        annotation: { task_id: 1, annotation_id: 2, completed_by: 1, ground_truth: false, updated_at: '2022-12-27T21:05:03.127871Z' },
        meta: {},
      },
      {
        schema: 'DatasetItem/v2',
        id: '1-2',
        split: 'train',
        image: { url: '/image2', sha256: null, width: 2800, height: 2800, format: null, defect: null },
        classes: [],
        regions: [
          { label: 'white', x: 0.19672131147540983, y: 0.4972677595628415, width: 0.03278688524590164, height: 0.029143897996357013, rotation: 0 },
          { label: 'white', x: 0.6174863387978142, y: 0.37158469945355194, width: 0.025500910746812388, height: 0.043715846994535526, rotation: 0 },
        ],
        annotation: { task_id: 2, annotation_id: 3, completed_by: 1, ground_truth: false, updated_at: '2022-12-27T21:05:25.940182Z' },
        meta: {},
      },
    ]);
    const manifest = await new RepoReader(dir).loadArtifact('DatasetArtifact', 'HEAD', 'datasets/cells/v0001/manifest.json');
    expect(manifest.counts).toEqual({ items: 2, classes: {}, region_classes: { parasites: 1, white: 3 }, splits: { train: 2, val: 0, test: 0 }, missing_images: 2 });
    expect(manifest.cursor).toEqual({ updated_at: '2022-12-27T21:05:25.980897Z', task_id: 2 }); // the task's own updated_at
  });

  it('ingests only what changed since the last version, and nothing at all the second time', async () => {
    await ingest(FIXTURE);
    const head = await headOf(dir);
    expect(await ingest(FIXTURE)).toMatchObject({ version: null, commit: null, added: 0 });
    expect(await headOf(dir)).toBe(head);

    const tasks = await fixtureTasks();
    const corrected = structuredClone(tasks);
    const annotation = corrected[1]!.annotations[0];
    annotation.id = 99;
    annotation.updated_at = '2023-01-05T10:00:00.000000Z';
    annotation.ground_truth = true;
    corrected[1]!.updated_at = '2023-01-05T10:00:00.000000Z';
    annotation.result = annotation.result.slice(0, 1);
    const result = await ingest(await writeExport('corrected', corrected));
    expect(result).toMatchObject({ version: 'v0002', added: 0, updated: 1 });
    const items = (await new RepoReader(dir).readLines('DatasetItem', 'HEAD', 'datasets/cells/v0002/items.jsonl'))!;
    expect(items.find((item) => item.id === '1-2')!.annotation).toMatchObject({ annotation_id: 99, ground_truth: true });
    const manifest = await new RepoReader(dir).loadArtifact('DatasetArtifact', 'HEAD', 'datasets/cells/v0002/manifest.json');
    expect(manifest.parent?.dataset_version).toBe('v0001');
  });

  it('refuses a label outside the taxonomy, naming task and label, and writes nothing', async () => {
    const tasks = await fixtureTasks();
    tasks[1]!.annotations[0].result[0].value.rectanglelabels = ['bacteria'];
    const head = await headOf(dir);
    const error = await ingest(await writeExport('bad-label', tasks)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('task 2: region class "bacteria"');
    expect((error as InputError).data.rule).toBe('label-in-taxonomy');
    expect(await headOf(dir)).toBe(head);
    expect(await statusOf(dir)).toBe('');
  });

  it('refuses an export that mixes taxonomy versions, or names one the repository lacks, naming the tasks', async () => {
    const tasks = await fixtureTasks();
    tasks[0]!.data.taxonomy_version = 'taxonomy_v1';
    tasks[1]!.data.taxonomy_version = 'taxonomy_v2';
    await expect(ingest(await writeExport('mixed', tasks))).rejects.toThrow('mixes taxonomy versions (taxonomy_v1: tasks 1; taxonomy_v2: tasks 2)');
    tasks[0]!.data.taxonomy_version = 'taxonomy_v2';
    await expect(ingest(await writeExport('unknown', tasks))).rejects.toThrow('tasks 1, 2 name taxonomy taxonomy_v2, which the repository does not have');
  });

  it('refuses broken files with the file and the rule, and writes nothing', async () => {
    const head = await headOf(dir);
    const empty = join(root, 'empty.json');
    await writeFile(empty, '');
    await expect(ingest(empty)).rejects.toMatchObject({ code: 'E_INPUT', data: { file: expect.stringContaining('empty.json') } });
    const truncated = join(root, 'truncated.json');
    await writeFile(truncated, JSON.stringify(await fixtureTasks()).slice(0, 500));
    await expect(ingest(truncated)).rejects.toMatchObject({ code: 'E_INPUT', data: { file: expect.stringContaining('truncated.json') } });
    expect(await headOf(dir)).toBe(head);
  });
});

describe('validation gates training', () => {
  it('records a failed report and refuses to train on it, naming the failed checks', async () => {
    await ingest(FIXTURE);
    const { report } = await runValidate({ dir, reader: new RepoReader(dir), dataset: 'cells', runId: 't', now: NOW });
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['class-distribution', 'freshness', 'images']);
    const error = await assertTrainable(new RepoReader(dir), 'HEAD', 'cells', 'v0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toMatch(/cannot be trained on: class-distribution \(.*\); freshness \(no new labels for 1425\.1 days/);
  });
});
