import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildArtifact, decodeArtifact } from '../../src/artifacts/codec.js';
import type { KindName } from '../../src/artifacts/kinds.js';
import { SchemaError } from '../../src/errors.js';
import { packageRoot } from '../../src/package-root.js';
import { resolveBuiltinConfig } from '../../src/registry/train-model.js';
import { rejection } from '../helpers/rejection.js';

const root = packageRoot();
const committed = (file: string) => readFileSync(`${root}/${file}`, 'utf8');
const yaml = (file: string) => decodeArtifact(kindOf(file), committed(file), file) as Record<string, unknown>;
const kindOf = (file: string): KindName =>
  (({ 'validation.yaml': 'ValidationThresholds', 'rollout.yaml': 'RolloutThresholds', 'observability.yaml': 'ObservabilityThresholds', 'dataset.yaml': 'DatasetConfig', 'model.yaml': 'ModelConfig' }) as Record<string, KindName>)[file.split('/').at(-1)!]!;

/** The SchemaError decoding `file` with `change` applied throws, or a failure when it decodes. */
async function refusal(file: string, change: (value: Record<string, unknown>) => Record<string, unknown>): Promise<SchemaError> {
  const text = stringify(change(structuredClone(yaml(file))));
  const error = await rejection(Promise.resolve().then(() => decodeArtifact(kindOf(file), text, file)));
  expect(error).toBeInstanceOf(SchemaError);
  return error as SchemaError;
}

describe('cross-field rules, checked at every read', () => {
  it('every committed config and thresholds file keeps them', () => {
    for (const file of ['thresholds/validation.yaml', 'thresholds/rollout.yaml', 'thresholds/observability.yaml', 'datasets/shapes/dataset.yaml', 'registry/shapes/model.yaml']) {
      expect(() => yaml(file)).not.toThrow();
    }
  });

  it('splits must add up to 1, so 0.9/0.15/0.15 is refused naming the file, the field and the rule', async () => {
    const error = await refusal('datasets/shapes/dataset.yaml', (v) => ({ ...v, splits: { train: 0.9, val: 0.15, test: 0.15 } }));
    expect(error.message).toBe('datasets/shapes/dataset.yaml: schema violation at /splits: train + val + test is 1.2, must add up to 1 (rule splits-sum)');
  });

  it('splits written as decimals whose float sum is not exactly 1 are accepted', () => {
    for (const splits of [{ train: 0.8, val: 0.1, test: 0.1 }, { train: 0.7, val: 0.2, test: 0.1 }, { train: 0.6, val: 0.3, test: 0.1 }]) {
      expect(() => buildArtifact('DatasetConfig', { dataset: 'd', taxonomy_version: 't', label_studio: { url: 'http://x', project: 1 }, splits, weak_label_weights: {} })).not.toThrow();
    }
  });

  it('an empty test or train split is refused; an empty val split is allowed', async () => {
    expect((await refusal('datasets/shapes/dataset.yaml', (v) => ({ ...v, splits: { train: 0.85, val: 0.15, test: 0 } }))).message).toContain('at /splits/test: must be > 0');
    expect((await refusal('datasets/shapes/dataset.yaml', (v) => ({ ...v, splits: { train: 0, val: 0.5, test: 0.5 } }))).message).toContain('at /splits/train: must be > 0');
    expect(() => buildArtifact('DatasetConfig', { dataset: 'd', taxonomy_version: 't', label_studio: { url: 'http://x', project: 1 }, splits: { train: 0.9, val: 0, test: 0.1 }, weak_label_weights: {} })).not.toThrow();
  });

  it('a Label Studio URL in a dataset config carries no user or password', async () => {
    const error = await refusal('datasets/shapes/dataset.yaml', (v) => ({ ...v, label_studio: { url: 'https://ops:pw-in-git@ls.example', project: 1 } }));
    expect(error.errors[0]!.path).toBe('/label_studio/url');
    expect(error.message).not.toContain('pw-in-git');
    for (const url of ['https://ls.example', 'http://127.0.0.1:8080/', 'https://ls.example/prefix?x=1']) {
      expect(() => buildArtifact('DatasetConfig', { dataset: 'd', taxonomy_version: 't', label_studio: { url, project: 1 }, splits: { train: 0.8, val: 0.1, test: 0.1 }, weak_label_weights: {} })).not.toThrow();
    }
  });

  it('freshness warns before it fails: warn_after_days ≤ error_after_days', async () => {
    const error = await refusal('thresholds/validation.yaml', (v) => ({ ...v, freshness: { warn_after_days: 40, error_after_days: 30 } }));
    expect(error.message).toBe('thresholds/validation.yaml: schema violation at /freshness/warn_after_days: 40 exceeds freshness.error_after_days 30: a warning comes before the failure (rule freshness-order)');
  });

  it('rollout stages rise, and no rate may both advance and roll back a candidate', async () => {
    const stages = await refusal('thresholds/rollout.yaml', (v) => ({ ...v, stages: [25, 5, 100] }));
    expect(stages.errors).toEqual([{ path: '/stages/1', message: '5 does not rise above 25 (rule stages-ascending)' }]);
    const rates = await refusal('thresholds/rollout.yaml', (v) => ({ ...v, advance: { ...(v.advance as object), max_error_rate: 0.1, max_correction_rate: 0.2 } }));
    expect(rates.errors.map((fault) => fault.path)).toEqual(['/advance/max_error_rate', '/advance/max_correction_rate']);
    expect(rates.errors[0]!.message).toBe('0.1 exceeds rollback.error_rate_above 0.05: a rate may not both advance and roll back a candidate (rule advance-below-rollback)');
  });

  it('observability warns before it alerts: psi_warn ≤ psi_alert', async () => {
    const error = await refusal('thresholds/observability.yaml', (v) => ({ ...v, psi_warn: 0.3 }));
    expect(error.message).toContain('at /psi_warn: 0.3 exceeds psi_alert 0.25');
  });
});

describe('trainer.config, a schema per trainer kind', () => {
  const model = 'registry/shapes/model.yaml';
  const withTrainer = (trainer: unknown) => (v: Record<string, unknown>) => ({ ...v, trainer });

  it('refuses a typo’d key of the built-in trainer with one fault, not one per trainer kind', async () => {
    const error = await refusal(model, withTrainer({ kind: 'builtin', config: { clasHead: { epochs: 3 } } }));
    expect(error.errors).toEqual([{ path: '/trainer/config', message: 'must NOT have additional properties (clasHead)' }]);
  });

  it.each([
    [{ classHead: { epochs: 0 } }, '/trainer/config/classHead/epochs', 'must be >= 1'],
    [{ seed: -1 }, '/trainer/config/seed', 'must be >= 0'],
    [{ positiveWeight: 0 }, '/trainer/config/positiveWeight', 'must be > 0'],
    [{ extractor: { inputSize: 60 } }, '/trainer/config/extractor/inputSize', 'must be multiple of 8'],
    [{ std: [0.2, 0, 0.2] }, '/trainer/config/std/1', 'must be > 0'],
    [{ postprocess: { iouThreshold: 1.5 } }, '/trainer/config/postprocess/iouThreshold', 'must be <= 1'],
  ])('refuses the out-of-range built-in setting %j', async (config, path, message) => {
    const error = await refusal(model, withTrainer({ kind: 'builtin', config }));
    expect(error.errors).toContainEqual({ path, message });
  });

  it('refuses more boxes than the grid has cells', async () => {
    const error = await refusal(model, withTrainer({ kind: 'builtin', config: { extractor: { inputSize: 32 }, postprocess: { maxBoxes: 20 } } }));
    expect(error.message).toContain('at /trainer/config/postprocess/maxBoxes: 20 exceeds the 16 cells of the grid');
  });

  it('hands an external trainer’s config to its command unchecked, but needs the command', async () => {
    expect(() => decodeArtifact('ModelConfig', stringify({ ...yaml(model), trainer: { kind: 'external', command: 'python train.py', config: { clasHead: 1 } } }), model)).not.toThrow();
    const error = await refusal(model, withTrainer({ kind: 'external', config: {} }));
    expect(error.errors).toEqual([{ path: '/trainer', message: "must have required property 'command'" }]);
  });

  it('names the trainer kind it does not know', async () => {
    expect((await refusal(model, withTrainer({ kind: 'pytorch', config: {} }))).errors).toEqual([{ path: '/trainer', message: 'kind must name a known variant, got "pytorch"' }]);
  });

  it('refuses a manifest’s recorded config with the same words (what reproduce reads)', () => {
    expect(() => resolveBuiltinConfig({ clasHead: { epochs: 3 } }, 'registry/shapes/1.0.0/manifest.json', '/config')).toThrow(
      'registry/shapes/1.0.0/manifest.json: schema violation at /config: must NOT have additional properties (clasHead)',
    );
  });
});
