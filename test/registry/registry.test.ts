import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { ModelVersion } from '../../src/registry/model-version.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { datasetFiles, gateFile, gatingThresholdsFile, modelVersionFiles, ref, rolloutFile, taxonomyFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';

describe('ModelVersion', () => {
  it('bumps major for a new taxonomy, minor for new data, patch for a new calibration', () => {
    const v = ModelVersion.parse('1.4.2');
    expect([v.bump('taxonomy'), v.bump('data'), v.bump('calibration')].map(String)).toEqual(['2.0.0', '1.5.0', '1.4.3']);
  });

  it('orders by number, not text, and refuses what is not semver', () => {
    const sorted = ['1.10.0', '1.9.3', '2.0.0', '1.9.10'].map(ModelVersion.parse).sort((a, b) => a.compare(b)).map(String);
    expect(sorted).toEqual(['1.9.3', '1.9.10', '1.10.0', '2.0.0']);
    expect(() => ModelVersion.parse('1.02.0')).toThrow('"1.02.0" is not a model version');
  });
});

describe('cairn models', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ path: dir, cleanup } = await tempDir());
    await initRepo(dir);
    const taxonomy = taxonomyFile();
    const dataset = datasetFiles('demo', 'ds-1', taxonomy);
    const thresholds = gatingThresholdsFile();
    const v1 = modelVersionFiles('shapes', '1.0.0', { taxonomy, datasetManifest: dataset[0]! });
    const v2 = modelVersionFiles('shapes', '1.1.0', { taxonomy, datasetManifest: dataset[0]! });
    const gate = gateFile('shapes', '1.1.0', { manifest: v2[0]!, metrics: v2[2]!, thresholds, datasetManifest: dataset[0]! }, 'approve');
    const rollout = rolloutFile('shapes', {
      production: { model_version: '1.0.0', manifest: ref(v1[0]!) },
      candidate: { model_version: '1.1.0', manifest: ref(v2[0]!), gate: ref(gate), percent: 25, approval: null },
    });
    await commitStage({ dir, stage: 't', runId: 'r', plan: () => ({ subject: 't', files: [taxonomy, ...dataset, thresholds, ...v1, ...v2, gate, rollout] }) });
  });
  afterAll(() => cleanup());

  it('lists every version with its metrics, gate and place in the rollout', async () => {
    const out: string[] = [];
    expect(await runCli(['-C', dir, 'models', 'list'], { out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(0);
    expect(out.join('').split('\n').filter(Boolean)).toEqual([
      'shapes 1.0.0    macro F1 0.900  AP50 —  gate —  production  (dataset ds-1, 2026-11-01T00:00:00.000Z)',
      'shapes 1.1.0    macro F1 0.900  AP50 —  gate approve  candidate at 25%  (dataset ds-1, 2026-11-01T00:00:00.000Z)',
    ]);
  });

  it('shows one version, and exits 2 for one that does not exist', async () => {
    const out: string[] = [];
    const output = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await runCli(['-C', dir, 'models', 'show', 'shapes', '1.1.0'], output)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ model: 'shapes', version: '1.1.0', serving: 'candidate at 25%', gate: { decision: 'approve' } });
    expect(await runCli(['-C', dir, 'models', 'show', 'shapes', '9.9.9'], output)).toBe(2);
    expect(out.at(-1)).toContain('model shapes has no version 9.9.9');
  });
});
