import { formatJsonFile, sha256Hex } from '../artifacts/canonical-json.js';
import { buildArtifact, type Unsealed } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { Calibration, ModelArtifact, TrainingMetrics } from '../artifacts/schemas/model.js';
import { WriteOnceError } from '../errors.js';
import type { ModelEvaluation } from '../evaluate/evaluate-model.js';
import type { FileWrite } from '../store/commit-files.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage } from '../store/stage-writer.js';
import type { TrainingData } from './training-data.js';

export interface ModelVersionFiles {
  weights: Uint8Array;
  metrics: TrainingMetrics;
  calibration: Calibration | null;
  /** The manifest without what this function derives: the files and whether it is calibrated. */
  manifest: Omit<Unsealed<'ModelArtifact'>, 'files' | 'calibrated'>;
}

/**
 * `metrics.json` and `calibration.json` of a new version from cairn's evaluation on `data`: metrics on
 * its test split, the calibration (when one was fitted) on its validation split.
 */
export function buildEvaluationArtifacts(
  model: string,
  version: string,
  data: TrainingData,
  evaluation: ModelEvaluation,
  training: TrainingMetrics['training'],
): { metrics: TrainingMetrics; calibration: Calibration | null } {
  const metrics = buildArtifact('TrainingMetrics', {
    model,
    model_version: version,
    dataset: { version: data.version, manifest: data.manifestRef, split: 'test', items: evaluation.counts.items },
    ...evaluation.metrics,
    training,
  });
  const calibration = evaluation.calibration
    ? buildArtifact('Calibration', { model, model_version: version, method: 'isotonic', fitted_on: { dataset_version: data.version, split: 'val' }, ...evaluation.calibration })
    : null;
  return { metrics, calibration };
}

/** The files of one model version — weights, metrics, calibration — and the manifest recording the sha256 and size of each. */
export function buildModelVersion(content: ModelVersionFiles): { manifest: ModelArtifact; files: FileWrite[] } {
  const { model, model_version: version } = content.manifest;
  const named: Array<{ name: string; content: Uint8Array | string }> = [
    { name: 'model.onnx', content: content.weights },
    { name: 'metrics.json', content: formatJsonFile(content.metrics) },
    ...(content.calibration ? [{ name: 'calibration.json', content: formatJsonFile(content.calibration) }] : []),
  ];
  const manifest = buildArtifact('ModelArtifact', {
    ...content.manifest,
    files: Object.fromEntries(named.map(({ name, content: bytes }) => [name, { sha256: sha256Hex(bytes), bytes: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length }])),
    calibrated: content.calibration !== null,
  });
  const files: FileWrite[] = [
    ...named.map(({ name, content: bytes }) => ({ path: paths.modelFile(model, version, name), content: bytes })),
    { path: paths.modelManifest(model, version), content: formatJsonFile(manifest) },
  ];
  return { manifest, files };
}

export interface CommitModelVersionOptions {
  dir: string;
  reader: RepoReader;
  stage: string;
  runId: string;
  /** The commit the run read; a new branch starts there. */
  base: string;
  branch?: string;
  push?: { remote: string };
  manifest: ModelArtifact;
  files: FileWrite[];
  subject: string;
  body: string;
}

/**
 * Commits a new model version as one write-once commit. A version another run committed first is
 * refused: versions are never overwritten, so the run must be repeated to make the next one.
 */
export async function commitModelVersion(options: CommitModelVersionOptions): Promise<{ branch: string; commit: string }> {
  const { manifest } = options;
  const manifestPath = paths.modelManifest(manifest.model, manifest.model_version);
  const committed = await commitStage({
    dir: options.dir,
    stage: options.stage,
    runId: options.runId,
    ...(options.branch ? { branch: options.branch, startPoint: options.base } : {}),
    ...(options.push ? { push: { remote: options.push.remote } } : {}),
    plan: async ({ parent }) => {
      if (parent && (await options.reader.readFile(parent, manifestPath))) {
        throw new WriteOnceError(`${manifestPath} already exists on ${options.branch ?? 'the branch'}: another run wrote ${manifest.model} ${manifest.model_version} first; run again to make the next version`, {
          file: manifestPath,
        });
      }
      return { subject: options.subject, body: options.body, files: options.files, trailers: [['Cairn-Model-Version', `${manifest.model}@${manifest.model_version}`]] };
    },
  });
  if (!committed.commit) throw new WriteOnceError(`${manifestPath} was already committed as it is`, { file: manifestPath });
  return { branch: committed.branch, commit: committed.commit };
}
