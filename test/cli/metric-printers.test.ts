import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../src/artifacts/codec.js';
import type { TrainingMetrics } from '../../src/artifacts/schemas/model.js';
import { formatModelLine } from '../../src/cli/format-model-line.js';
import { formatTrain } from '../../src/cli/format-train.js';
import { packageRoot } from '../../src/package-root.js';
import { formatMetric } from '../../src/registry/format-metric.js';
import { buildTrainPullRequestBody, formatMetricsTable } from '../../src/registry/run-train-stage.js';
import type { TrainResult } from '../../src/registry/run-train.js';

const read = <K extends 'TrainingMetrics' | 'ModelArtifact'>(kind: K, file: string) => decodeArtifact(kind, readFileSync(`${packageRoot()}/${file}`), file);
const manifest = read('ModelArtifact', 'registry/shapes/1.0.0/manifest.json');
const measured = read('TrainingMetrics', 'registry/shapes/1.0.0/metrics.json');

// A test split with no region at all: COCO has nothing to measure and reports -1 for every figure.
const nothingToMeasure: TrainingMetrics = {
  ...measured,
  detection: Object.fromEntries(Object.entries(measured.detection!).map(([key, value]) => [key, typeof value === 'number' ? -1 : Object.fromEntries(Object.keys(value).map((name) => [name, -1]))])) as unknown as TrainingMetrics['detection'],
};
const trained: Extract<TrainResult, { kind: 'trained' }> = {
  kind: 'trained',
  model: 'shapes',
  version: '1.1.0',
  change: 'data',
  reasons: ['trainer-config'],
  branch: 'main',
  commit: 'c'.repeat(40),
  manifest: { ...manifest, model_version: '1.1.0', parent: { model_version: '1.0.0', manifest: { path: 'registry/shapes/1.0.0/manifest.json', sha256: 'a'.repeat(64) } } },
  metrics: nothingToMeasure,
  calibration: null,
  notes: [],
};

describe('every metric printer', () => {
  it('prints a dash for COCO’s -1 and for a missing figure, digits otherwise', () => {
    expect([formatMetric(-1), formatMetric(null), formatMetric(undefined), formatMetric(Number.NaN), formatMetric(0), formatMetric(0.91234, 3)]).toEqual(['—', '—', '—', '—', '0.0000', '0.912']);
  });

  it('train and evaluate (the metrics table, the pull request) print no -1', () => {
    const printed = [formatTrain(trained, 3), formatMetricsTable(nothingToMeasure).join('\n'), buildTrainPullRequestBody(trained)];
    for (const text of printed) expect(text).not.toMatch(/-1\.0/);
    expect(printed[0]).toContain('AP —, AP50 —');
    expect(printed[1]).toContain('Regions (COCO): AP —, AP50 **—**, AP75 —, AP small/medium/large —/—/—, AR100 —');
    expect(printed[1]).toContain('| ring | — |');
  });

  it('a retrain caused by the trainer config alone says so in the CLI and the pull request, not "new data"', () => {
    expect(formatTrain(trained, null).split('\n')[0]).toBe(`shapes 1.1.0 (changed trainer config) trained on shapes v0002: committed cccccccccccc on main`);
    const body = buildTrainPullRequestBody(trained);
    expect(body.split('\n')[0]).toBe('Trained by the built-in trainer (cairn 0.1.0) on shapes v0002; parent 1.0.0 (changed trainer config: minor).');
    expect(body).not.toContain('new data');
  });

  it('models list prints no -1', () => {
    const line = formatModelLine({ model: 'shapes', version: '1.1.0', manifest: trained.manifest, metrics: nothingToMeasure, gate: null, serving: null });
    expect(line).toContain('macro F1 0.923  AP50 —  gate —');
  });
});
