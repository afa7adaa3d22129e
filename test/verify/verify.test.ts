import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { datasetFiles, gateFile, gatingThresholdsFile, modelVersionFiles, rolloutFile, taxonomyFile, ref } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';

let dir: string;
let cli: GitCli;
let cleanup: () => Promise<void>;
const taxonomy = taxonomyFile();
const dataset = datasetFiles('demo', 'ds-1', taxonomy);
const thresholds = gatingThresholdsFile();
const model = modelVersionFiles('shapes', '1.0.0', { taxonomy, datasetManifest: dataset[0]! });

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  cli = await initRepo(dir);
  await stage([taxonomy, ...dataset, thresholds, ...model]);
});
afterEach(() => cleanup());

function stage(files: FileWrite[]) {
  return commitStage({ dir, stage: 'test', runId: 'r', plan: () => ({ subject: 'test', files }) });
}

/** Commits bytes directly with git, past cairn's guards, as a careless or hostile push would. */
async function commitRaw(path: string, content: string | Buffer, message = 'raw edit'): Promise<void> {
  await writeFile(join(dir, path), content);
  await cli.run(['add', path]);
  await cli.run(['commit', '--quiet', '-m', message]);
}

async function verify(base?: string) {
  return runVerify({ reader: new RepoReader(dir), base });
}

describe('cairn verify', () => {
  it('passes a repository written by cairn', async () => {
    const result = await verify();
    expect(result.violations).toEqual([]);
    expect(result.checkedFiles).toBe(7);
  });

  it("names a committed artifact whose bytes were tampered with", async () => {
    const manifest = model[0]!;
    await commitRaw(manifest.path, (manifest.content as string).replace('"epochs": 3', '"epochs": 4'));
    const result = await verify();
    expect(result.violations).toContainEqual(expect.objectContaining({ file: manifest.path, rule: 'checksum' }));
  });

  it('names tampered weights through the manifest that lists them', async () => {
    await commitRaw(model[1]!.path, Buffer.from('evil weights'));
    const result = await verify();
    expect(result.violations).toEqual([
      expect.objectContaining({ file: 'registry/shapes/1.0.0/model.onnx', rule: 'checksum' }),
    ]);
  });

  it('names a file that breaks its schema with the JSON path of the fault', async () => {
    await commitRaw('datasets/taxonomies/taxonomy_v2.json', '{"schema":"Taxonomy/v1","taxonomy_version":"taxonomy_v2","classes":[{"name":7}],"region_classes":[],"checksum":"x"}');
    const result = await verify();
    const pointers = result.violations.filter((v) => v.rule === 'schema').map((v) => v.pointer);
    expect(pointers).toContain('/classes/0/name');
    expect(pointers).toContain('/checksum');
  });

  it('refuses unknown format versions by name', async () => {
    await commitRaw('datasets/taxonomies/future.json', '{"schema":"Taxonomy/v7"}');
    const result = await verify();
    expect(result.violations).toEqual([expect.objectContaining({ file: 'datasets/taxonomies/future.json', rule: 'unknown-version' })]);
  });

  it('with --base, names each artifact changed or deleted on a branch', async () => {
    await cli.run(['checkout', '--quiet', '-b', 'change']);
    await commitRaw(taxonomy.path, (taxonomy.content as string).replace('circle', 'disc'));
    await cli.run(['rm', '--quiet', model[2]!.path]);
    await cli.run(['commit', '--quiet', '-m', 'delete metrics']);
    const result = await verify('main');
    const writeOnce = result.violations.filter((v) => v.rule === 'write-once').map((v) => [v.file, v.message.split(' ')[0]]);
    expect(writeOnce).toEqual([
      ['datasets/taxonomies/taxonomy_v1.json', 'changed'],
      ['registry/shapes/1.0.0/metrics.json', 'deleted'],
    ]);
  });

  it('with --base, checks only what changed and follows lineage into the rest', async () => {
    const next = modelVersionFiles('shapes', '1.1.0', { taxonomy, datasetManifest: dataset[0]! });
    await cli.run(['checkout', '--quiet', '-b', 'new-version']);
    await stage(next);
    const clean = await verify('main');
    expect(clean).toMatchObject({ checkedFiles: 3, violations: [] });
    const orphan = modelVersionFiles('shapes', '1.2.0', { taxonomy, datasetManifest: { path: 'datasets/demo/ds-9/manifest.json', content: 'x' } });
    await stage(orphan);
    const broken = await verify('main');
    expect(broken.violations).toContainEqual(
      expect.objectContaining({ file: 'registry/shapes/1.2.0/manifest.json', rule: 'lineage', pointer: '/dataset/manifest' }),
    );
  });

  it('refuses a rollout candidate whose gate rejected it, or that awaits review without approval', async () => {
    const rejected = gateFile('shapes', '1.0.0', { manifest: model[0]!, metrics: model[2]!, thresholds, datasetManifest: dataset[0]! }, 'reject');
    const candidate = { model_version: '1.0.0', manifest: ref(model[0]!), gate: ref(rejected), percent: 5 as const, approval: null };
    await stage([rejected, rolloutFile('shapes', { candidate })]);
    const result = await verify();
    expect(result.violations).toEqual([expect.objectContaining({ file: 'registry/shapes/rollout.json', rule: 'promotion' })]);
  });

  it('checks the calibration of a calibrated model: its version, one map per class, isotonic breakpoints', async () => {
    const map = { x: [0.1, 0.5, 0.9], y: [0.05, 0.5, 0.95] };
    const good = modelVersionFiles('shapes', '1.1.0', { taxonomy, datasetManifest: dataset[0]! }, 'good', { classes: { circle: map, square: map, triangle: map } });
    await stage(good);
    expect((await verify()).violations).toEqual([]);

    const bad = modelVersionFiles('shapes', '1.2.0', { taxonomy, datasetManifest: dataset[0]! }, 'bad', {
      modelVersion: '1.1.0',
      classes: { circle: { x: [0.1, 0.5], y: [0.6, 0.4] }, square: { x: [0.5, 0.5], y: [0.1, 0.2] }, hexagon: map },
    });
    await stage(bad);
    const file = 'registry/shapes/1.2.0/calibration.json';
    expect((await verify()).violations.filter((v) => v.rule === 'calibration' || v.rule === 'path-mismatch')).toEqual([
      { file, rule: 'path-mismatch', message: 'model_version is "1.1.0" but the path says "1.2.0"' },
      { file, rule: 'calibration', message: 'calibrates shapes 1.1.0, not shapes 1.2.0' },
      { file, rule: 'calibration', message: 'has no map for class triangle' },
      { file, rule: 'calibration', message: 'maps class hexagon, which the model does not have' },
      { file, rule: 'calibration', pointer: '/classes/circle/y', message: 'circle: values y must be non-decreasing (isotonic)' },
      { file, rule: 'calibration', pointer: '/classes/square/x', message: 'square: breakpoints x must be strictly increasing' },
    ]);
  });

  it('exits 0 when clean, 1 on violations, 2 on a bad ref, from the CLI', async () => {
    const out: string[] = [];
    const output = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await runCli(['-C', dir, 'verify'], output)).toBe(0);
    await commitRaw(model[1]!.path, Buffer.from('evil weights'));
    expect(await runCli(['-C', dir, 'verify', '--json'], output)).toBe(1);
    expect(JSON.parse(out.at(-1)!).violations[0]).toMatchObject({ file: 'registry/shapes/1.0.0/model.onnx', rule: 'checksum' });
    expect(await runCli(['-C', dir, 'verify', '--base', 'no-such-ref'], output)).toBe(2);
    expect(out.at(-1)).toContain('--base no-such-ref: names no commit');
  });
});
