import type { KindName } from './kinds.js';

/**
 * Where each artifact lives in a model repository. The path decides the kind a file must be;
 * `classifyPath` is the single place that knows the tree's shape.
 *
 *   thresholds/<name>.yaml                                  human-edited through PRs
 *   datasets/taxonomies/<taxonomy_version>.json             Taxonomy
 *   datasets/<dataset>/dataset.yaml                         DatasetConfig (human-edited)
 *   datasets/<dataset>/<dataset_version>/manifest.json      DatasetArtifact
 *                                       /items.jsonl        DatasetItem lines
 *                                       /weak-labels.jsonl  WeakLabel lines
 *                                       /validation/<t>.json  ValidationReport made with the
 *                                                 thresholds whose sha256 starts with <t> (12 hex)
 *                                       /validation.json    ValidationReport (before reports were
 *                                                 keyed by thresholds; still read)
 *   registry/<model>/model.yaml                             ModelConfig (human-edited)
 *   registry/<model>/rollout.json                           RolloutState (the one mutable artifact)
 *   registry/<model>/<model_version>/manifest.json          ModelArtifact
 *                                   /metrics.json  /calibration.json  /gate.json  /model.onnx
 *   registry/<model>/monitoring/<name>.json                 MonitoringSnapshot
 *   registry/<model>/feedback/<name>.json                   FeedbackCandidates
 */
export interface PathInfo {
  /** The kind of the file, or null for a data file (weights) that a manifest covers by checksum. */
  kind: KindName | null;
  /** May be changed after it is first committed: thresholds and model configs (human-edited) and rollout state. */
  mutable: boolean;
  /** The manifest whose `files` must list this file, if any. */
  coveredBy: string | null;
}

const THRESHOLD_KINDS: Record<string, KindName> = {
  validation: 'ValidationThresholds',
  gating: 'GatingThresholds',
  rollout: 'RolloutThresholds',
  serving: 'ServingThresholds',
  feedback: 'FeedbackThresholds',
  observability: 'ObservabilityThresholds',
};

const DATASET_FILES: Record<string, KindName | null> = {
  'manifest.json': 'DatasetArtifact',
  'items.jsonl': 'DatasetItem',
  'weak-labels.jsonl': 'WeakLabel',
  'validation.json': 'ValidationReport',
};

const MODEL_FILES: Record<string, KindName | null> = {
  'manifest.json': 'ModelArtifact',
  'metrics.json': 'TrainingMetrics',
  'calibration.json': 'Calibration',
  'gate.json': 'GateDecision',
  'model.onnx': null,
};

/** The directory of a dataset version's validation reports, one per thresholds file they were made with. */
export const VALIDATION_DIR = 'validation';
const REPORT_NAME = /^[0-9a-f]{12}\.json$/;

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** What the file at `path` must be, or null when the path is not part of the data tree (source code, docs). */
export function classifyPath(path: string): PathInfo | null {
  const parts = path.split('/');
  const [top, second, third, fourth] = parts;
  if (top === 'thresholds' && parts.length === 2) {
    const kind = THRESHOLD_KINDS[second!.replace(/\.ya?ml$/, '')];
    return kind && /\.ya?ml$/.test(second!) ? { kind, mutable: true, coveredBy: null } : unknownData();
  }
  if (top === 'datasets') {
    if (second === 'taxonomies' && parts.length === 3 && third!.endsWith('.json')) return writeOnce('Taxonomy');
    if (parts.length === 3 && third === 'dataset.yaml') return { kind: 'DatasetConfig', mutable: true, coveredBy: null };
    if (parts.length === 3 && third === 'README.md') return null;
    if (parts.length === 4) return datasetFile(parts.slice(0, 3).join('/'), fourth!);
    if (parts.length === 5 && fourth === VALIDATION_DIR) return REPORT_NAME.test(parts[4]!) ? writeOnce('ValidationReport') : unknownData();
    return unknownData();
  }
  if (top === 'registry') {
    if (parts.length === 3 && third === 'model.yaml') return { kind: 'ModelConfig', mutable: true, coveredBy: null };
    if (parts.length === 3 && third === 'rollout.json') return { kind: 'RolloutState', mutable: true, coveredBy: null };
    if (parts.length === 3 && third === 'README.md') return null;
    if (parts.length === 4 && third === 'monitoring' && fourth!.endsWith('.json')) return writeOnce('MonitoringSnapshot');
    if (parts.length === 4 && third === 'feedback' && fourth!.endsWith('.json')) return writeOnce('FeedbackCandidates');
    if (parts.length === 4 && SEMVER.test(third!)) return modelFile(parts.slice(0, 3).join('/'), fourth!);
    return unknownData();
  }
  return null;
}

function datasetFile(dir: string, name: string): PathInfo {
  if (!Object.hasOwn(DATASET_FILES, name)) return unknownData();
  const kind = DATASET_FILES[name]!;
  const coveredBy = name === 'items.jsonl' || name === 'weak-labels.jsonl' ? `${dir}/manifest.json` : null;
  return { kind, mutable: false, coveredBy };
}

function modelFile(dir: string, name: string): PathInfo {
  if (!Object.hasOwn(MODEL_FILES, name)) return unknownData();
  const coveredBy = name === 'manifest.json' || name === 'gate.json' ? null : `${dir}/manifest.json`;
  return { kind: MODEL_FILES[name]!, mutable: false, coveredBy };
}

function writeOnce(kind: KindName): PathInfo {
  return { kind, mutable: false, coveredBy: null };
}

/** A file inside the data tree that has no place in the layout; `verify` reports it. */
function unknownData(): PathInfo {
  return { kind: null, mutable: false, coveredBy: null };
}

export const paths = {
  taxonomy: (version: string) => `datasets/taxonomies/${version}.json`,
  datasetConfig: (dataset: string) => `datasets/${dataset}/dataset.yaml`,
  datasetDir: (dataset: string, version: string) => `datasets/${dataset}/${version}`,
  datasetManifest: (dataset: string, version: string) => `datasets/${dataset}/${version}/manifest.json`,
  datasetItems: (dataset: string, version: string) => `datasets/${dataset}/${version}/items.jsonl`,
  weakLabels: (dataset: string, version: string) => `datasets/${dataset}/${version}/weak-labels.jsonl`,
  /** The report made with the thresholds file whose bytes have this sha256. */
  validationReport: (dataset: string, version: string, thresholdsSha256: string) => `datasets/${dataset}/${version}/${VALIDATION_DIR}/${thresholdsSha256.slice(0, 12)}.json`,
  /** Where a version's one report lived before reports were keyed by their thresholds. */
  legacyValidationReport: (dataset: string, version: string) => `datasets/${dataset}/${version}/validation.json`,
  modelConfig: (model: string) => `registry/${model}/model.yaml`,
  rollout: (model: string) => `registry/${model}/rollout.json`,
  modelDir: (model: string, version: string) => `registry/${model}/${version}`,
  modelManifest: (model: string, version: string) => `registry/${model}/${version}/manifest.json`,
  modelFile: (model: string, version: string, file: string) => `registry/${model}/${version}/${file}`,
  thresholds: (name: string) => `thresholds/${name}.yaml`,
  monitoring: (model: string, name: string) => `registry/${model}/monitoring/${name}.json`,
  feedback: (model: string, name: string) => `registry/${model}/feedback/${name}.json`,
};
