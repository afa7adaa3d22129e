import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../src/artifacts/layout.js';
import { runGate } from '../../src/gate/run-gate.js';
import { runInit } from '../../src/init/run-init.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { datasetFiles, modelVersionFiles, taxonomyFile } from '../helpers/builders.js';
import { headOf, initRepo, statusOf, tempDir } from '../helpers/git.js';
import { rejection } from '../forge/github-harness.js';

// What the gate refuses to judge, named by file and rule, with nothing written.
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await initRepo(dir);
  const taxonomy = taxonomyFile();
  const dataset = datasetFiles('demo', 'ds-1', taxonomy);
  const refs = { taxonomy, datasetManifest: dataset[0]! };
  const withoutMetrics = modelVersionFiles('shapes', '1.1.0', refs).filter((file) => !file.path.endsWith('metrics.json'));
  await runInit({ dir, runId: 'test', extraFiles: [taxonomy, ...dataset, ...modelVersionFiles('shapes', '1.0.0', refs), ...withoutMetrics] });
});
afterEach(() => cleanup());

function gate(version: string) {
  const readImage = () => Promise.reject(new Error('no image is read when the gate refuses'));
  return runGate({ dir, reader: new RepoReader(dir), readImage }, { model: 'shapes', version, ref: 'HEAD', runId: 'test', now: () => new Date('2026-12-01T00:00:00Z') });
}

describe('the gate refuses what it cannot judge, and writes nothing', () => {
  it.each([
    ['a version that does not exist', '9.9.9', { code: 'E_NOT_FOUND', data: { file: paths.modelManifest('shapes', '9.9.9'), rule: 'candidate-exists' } }],
    ['a model without metrics', '1.1.0', { code: 'E_INPUT', data: { file: paths.modelFile('shapes', '1.1.0', 'metrics.json'), rule: 'candidate-metrics' } }],
    ['a dataset whose test split is empty', '1.0.0', { code: 'E_INPUT', data: { file: 'datasets/demo/ds-1/manifest.json', rule: 'empty-test-split' } }],
  ])('%s', async (_what, version, expected) => {
    const head = await headOf(dir);
    const error = await rejection(gate(version));
    expect(error).toMatchObject(expected);
    expect(await headOf(dir)).toBe(head);
    expect(await statusOf(dir)).toBe('');
  });
});
