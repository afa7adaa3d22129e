import { describe, expect, it } from 'vitest';
import type { ModelArtifact } from '../../src/artifacts/schemas/model.js';
import { describeRetrainReasons, planCalibrationVersion, planModelVersion, type TrainingInputs } from '../../src/registry/plan-model-version.js';

const sha = (c: string) => c.repeat(64);
const inputs: TrainingInputs = {
  taxonomy: { path: 'datasets/taxonomies/taxonomy_v1.json', sha256: sha('a') },
  dataset: { version: 'v0002', manifest: { path: 'datasets/shapes/v0002/manifest.json', sha256: sha('b') } },
  trainer: { kind: 'builtin', name: 'cairn-builtin', version: '0.1.0' },
  config: { train: { seed: 0 } },
};

function newest(version: string, overrides: Partial<TrainingInputs> = {}): ModelArtifact {
  const from = { ...inputs, ...overrides };
  return { model_version: version, taxonomy: from.taxonomy, dataset: { name: 'shapes', ...from.dataset }, trainer: from.trainer, config: from.config } as unknown as ModelArtifact;
}

describe('planModelVersion', () => {
  it('starts at 1.0.0', () => {
    expect(planModelVersion(null, inputs)).toMatchObject({ kind: 'new', version: '1.0.0', change: 'first' });
  });

  it('moves the major for another taxonomy, the minor for new data or config', () => {
    const taxonomy = { path: 'datasets/taxonomies/taxonomy_v2.json', sha256: sha('c') };
    expect(planModelVersion(newest('1.3.2', { taxonomy }), inputs)).toMatchObject({ version: '2.0.0', change: 'taxonomy' });
    const older = { version: 'v0001', manifest: { path: 'datasets/shapes/v0001/manifest.json', sha256: sha('d') } };
    expect(planModelVersion(newest('1.3.2', { dataset: older }), inputs)).toMatchObject({ version: '1.4.0', change: 'data' });
    expect(planModelVersion(newest('1.3.2', { config: { train: { seed: 1 } } }), inputs)).toMatchObject({ version: '1.4.0', change: 'data' });
    const external = { kind: 'external' as const, name: 'python', version: 'unknown', command: 'python train.py' };
    expect(planModelVersion(newest('1.3.2', { trainer: external }), inputs)).toMatchObject({ version: '1.4.0', change: 'data' });
  });

  it('names every input that differs from the newest version as a reason, not "new data" for all of them', () => {
    const older = { version: 'v0001', manifest: { path: 'datasets/shapes/v0001/manifest.json', sha256: sha('d') } };
    const external = { kind: 'external' as const, name: 'python', version: 'unknown', command: 'python train.py' };
    expect(planModelVersion(newest('1.3.2', { config: { train: { seed: 1 } } }), inputs)).toMatchObject({ reasons: ['trainer-config'] });
    expect(planModelVersion(newest('1.3.2', { trainer: external }), inputs)).toMatchObject({ reasons: ['trainer'] });
    expect(planModelVersion(newest('1.3.2', { dataset: older, config: {} }), inputs)).toMatchObject({ reasons: ['data', 'trainer-config'] });
    expect(planModelVersion(newest('1.3.2', { taxonomy: { path: 'datasets/taxonomies/taxonomy_v2.json', sha256: sha('c') }, dataset: older }), inputs)).toMatchObject({ change: 'taxonomy', reasons: ['taxonomy', 'data'] });
    expect(planModelVersion(null, inputs)).toMatchObject({ reasons: [] });
  });

  it('describes the reasons as the CLI, the commit and the pull request print them', () => {
    expect(describeRetrainReasons(['trainer-config'])).toBe('changed trainer config');
    expect(describeRetrainReasons(['data', 'trainer', 'trainer-config'])).toBe('new data, changed trainer, changed trainer config');
    expect(describeRetrainReasons([])).toBe('first version');
  });

  it('has nothing to train when taxonomy, dataset, trainer and config are those of the newest version, whatever cairn version trained it', () => {
    const plan = planModelVersion(newest('1.3.2', { trainer: { ...inputs.trainer, version: '0.0.9' } }), inputs);
    expect(plan).toMatchObject({ kind: 'unchanged', parent: { model_version: '1.3.2' } });
  });

  it('compares configs by content, not key order', () => {
    const a = { ...inputs, config: { b: 1, a: { y: 2, x: 1 } } };
    expect(planModelVersion(newest('1.0.0', { config: { a: { x: 1, y: 2 }, b: 1 } }), a).kind).toBe('unchanged');
  });
});

describe('planCalibrationVersion', () => {
  it('takes the next patch of the same major.minor, after any earlier recalibration', () => {
    expect(planCalibrationVersion('1.2.0', ['1.0.0', '1.2.0', '1.2.1', '1.3.0'])).toBe('1.2.2');
    expect(planCalibrationVersion('1.3.0', ['1.0.0', '1.2.0', '1.2.1', '1.3.0'])).toBe('1.3.1');
  });
});
