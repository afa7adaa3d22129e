import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { formatJsonFile } from '../../src/artifacts/canonical-json.js';
import { buildArtifact } from '../../src/artifacts/codec.js';
import type { ArtifactOf, CurrentOf } from '../../src/artifacts/kinds.js';
import { paths } from '../../src/artifacts/layout.js';
import { contentBytes, type FileContent, type FileWrite } from '../../src/store/commit-files.js';

const T0 = '2026-11-01T00:00:00.000Z';

export function sha(content: FileContent): string {
  return createHash('sha256').update(contentBytes(content)).digest('hex');
}

export function taxonomyFile(version = 'taxonomy_v1', classes = ['circle', 'square', 'triangle']): FileWrite {
  const taxonomy = buildArtifact('Taxonomy', {
    taxonomy_version: version,
    classes: classes.map((name) => ({ name })),
    region_classes: classes.map((name) => ({ name })),
  });
  return { path: paths.taxonomy(version), content: formatJsonFile(taxonomy) };
}

/** The files of one model version (manifest, weights, metrics) that reference `taxonomy` and `datasetManifest`. */
export function modelVersionFiles(
  model: string,
  version: string,
  refs: { taxonomy: FileWrite; datasetManifest: FileWrite },
  seed = version,
  calibration?: { classes: Record<string, { x: number[]; y: number[] }>; modelVersion?: string },
): FileWrite[] {
  const weights = Buffer.from(`onnx-weights-of-${model}-${seed}`.repeat(8));
  const metrics = buildArtifact('TrainingMetrics', {
    model,
    model_version: version,
    dataset: { version: 'ds-1', manifest: ref(refs.datasetManifest), split: 'test', items: 10 },
    classification: {
      per_class: { circle: { precision: 0.9, recall: 0.9, f1: 0.9, support: 10 } },
      macro_f1: 0.9,
      min_class_f1: 0.9,
      accuracy: 0.9,
      confusion: { labels: ['circle'], matrix: [[9]] },
    },
    detection: null,
    calibration: null,
    bias: null,
    training: null,
  });
  const metricsBytes = formatJsonFile(metrics);
  const calibrationBytes = calibration
    ? formatJsonFile(
        buildArtifact('Calibration', {
          model,
          model_version: calibration.modelVersion ?? version,
          method: 'isotonic',
          fitted_on: { dataset_version: 'ds-1', split: 'val' },
          classes: calibration.classes,
          ece_before: 0.1,
          ece_after: 0.05,
        }),
      )
    : null;
  const manifest = buildArtifact('ModelArtifact', {
    model,
    model_version: version,
    taxonomy: ref(refs.taxonomy),
    dataset: { name: 'demo', version: 'ds-1', manifest: ref(refs.datasetManifest) },
    trainer: { kind: 'builtin', name: 'cairn-grid', version: '1' },
    config: { epochs: 3 },
    code_commit: 'unknown',
    input: { width: 64, height: 64, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    classes: ['circle', 'square', 'triangle'],
    region_classes: ['circle', 'square', 'triangle'],
    parent: null,
    files: {
      'model.onnx': { sha256: sha(weights), bytes: weights.length },
      'metrics.json': { sha256: sha(metricsBytes), bytes: Buffer.byteLength(metricsBytes) },
      ...(calibrationBytes ? { 'calibration.json': { sha256: sha(calibrationBytes), bytes: Buffer.byteLength(calibrationBytes) } } : {}),
    },
    calibrated: calibrationBytes !== null,
    created_at: T0,
  });
  return [
    { path: paths.modelManifest(model, version), content: formatJsonFile(manifest) },
    { path: paths.modelFile(model, version, 'model.onnx'), content: weights },
    { path: paths.modelFile(model, version, 'metrics.json'), content: metricsBytes },
    ...(calibrationBytes ? [{ path: paths.modelFile(model, version, 'calibration.json'), content: calibrationBytes }] : []),
  ];
}

/** A dataset manifest with an items file, enough for lineage. */
export function datasetFiles(dataset: string, version: string, taxonomy: FileWrite): FileWrite[] {
  const items = '';
  const manifest = buildArtifact('DatasetArtifact', {
    dataset,
    dataset_version: version,
    taxonomy: { version: 'taxonomy_v1', path: taxonomy.path, sha256: sha(taxonomy.content) },
    source: { kind: 'label-studio-export', project: '1', export: 'export.json', export_sha256: sha('export'), tasks: 0 },
    parent: null,
    cursor: { updated_at: T0, task_id: 0 },
    counts: { items: 0, classes: {}, region_classes: {}, splits: { train: 0, val: 0, test: 0 }, missing_images: 0 },
    items_sha256: sha(items),
    files: { 'items.jsonl': { sha256: sha(items), bytes: 0 } },
    created_at: T0,
  });
  return [
    { path: paths.datasetManifest(dataset, version), content: formatJsonFile(manifest) },
    { path: paths.datasetItems(dataset, version), content: items },
  ];
}

export function gateFile(
  model: string,
  version: string,
  refs: { manifest: FileWrite; metrics: FileWrite; thresholds: FileWrite; datasetManifest: FileWrite },
  decision: ArtifactOf<'GateDecision'>['decision'],
): FileWrite {
  const measurements = { macro_f1: 0.9, class_f1: { circle: 0.9 }, ap50: null, region_ap: {}, ece: null, bias_delta: null };
  const gate = buildArtifact('GateDecision', {
    model,
    model_version: version,
    candidate: { manifest: ref(refs.manifest), metrics: ref(refs.metrics), measurements },
    baseline: null,
    test_split: { dataset: 'demo', dataset_version: 'ds-1', manifest: ref(refs.datasetManifest), items: 100 },
    thresholds: ref(refs.thresholds),
    decision,
    rules: [],
    created_at: T0,
  });
  return { path: paths.modelFile(model, version, 'gate.json'), content: formatJsonFile(gate) };
}

type RolloutBody = Omit<CurrentOf<'RolloutState'>, 'schema' | 'checksum' | 'model' | 'candidate' | 'production'>;
type ProductionBody = Pick<NonNullable<CurrentOf<'RolloutState'>['production']>, 'model_version' | 'manifest'> & Partial<NonNullable<CurrentOf<'RolloutState'>['production']>>;
type CandidateBody = Omit<NonNullable<CurrentOf<'RolloutState'>['candidate']>, 'stages' | 'since'> & { stages?: number[]; since?: string };

/** A rollout state in the current format; a candidate's stages default to 5 → 25 → 100. */
export function rolloutFile(model: string, state: Partial<RolloutBody> & { candidate?: CandidateBody | null; production?: ProductionBody | null }): FileWrite {
  const { candidate, production, ...rest } = state;
  const rollout = buildArtifact('RolloutState', {
    model,
    production: production ? { gate: null, approval: null, since: T0, ...production } : null,
    previous: null,
    candidate: candidate ? { stages: [5, 25, 100], since: T0, ...candidate } : null,
    shadow: null,
    kill_switch: false,
    pinned: null,
    action: 'start',
    updated_at: T0,
    reason: 'test',
    ...rest,
  });
  return { path: paths.rollout(model), content: formatJsonFile(rollout) };
}

export function ref(file: FileWrite): { path: string; sha256: string } {
  return { path: file.path, sha256: sha(file.content) };
}

/** The shipped `thresholds/gating.yaml`, as a file to commit. */
export function gatingThresholdsFile(): FileWrite {
  return { path: 'thresholds/gating.yaml', content: readFileSync(new URL('../../thresholds/gating.yaml', import.meta.url), 'utf8') };
}
