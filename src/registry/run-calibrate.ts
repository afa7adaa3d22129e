import { paths } from '../artifacts/layout.js';
import type { Calibration, ModelArtifact, TrainingMetrics } from '../artifacts/schemas/model.js';
import { InputError, NotFoundError, PolicyError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { evaluateTrainedModel, type EvaluationProgress } from './evaluate-version.js';
import { formatMetric } from './format-metric.js';
import { planCalibrationVersion } from './plan-model-version.js';
import { listModelVersions } from './read-registry.js';
import { loadTrainableData, type ItemImageReader } from './training-data.js';
import { buildEvaluationArtifacts, buildModelVersion, commitModelVersion } from './write-model-version.js';

export interface CalibrateOptions {
  dir: string;
  reader: RepoReader;
  model: string;
  /** The version whose weights are recalibrated. */
  from: string;
  base: string;
  /** Fit on this dataset version's validation split (default: the newest validated version). */
  datasetVersion?: string;
  branch?: string;
  push?: { remote: string };
  readImage: ItemImageReader;
  runId: string;
  now: () => Date;
  codeCommit: string;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface CalibrateResult {
  model: string;
  version: string;
  from: string;
  branch: string;
  commit: string;
  manifest: ModelArtifact;
  metrics: TrainingMetrics;
  calibration: Calibration;
}

/**
 * `cairn calibrate`: a new calibration of the same weights, as the next patch version. The isotonic
 * maps are fitted on a (newer) dataset version's validation split and measured on its test split;
 * `model.onnx` is the same bytes as the version it comes from, which the manifest's `parent` names.
 */
export async function runCalibrate(options: CalibrateOptions): Promise<CalibrateResult> {
  const { reader, model } = options;
  const base = await reader.resolveCommit(options.base);
  const fromPath = paths.modelManifest(model, options.from);
  const fromRead = await reader.readArtifactWithRef('ModelArtifact', base, fromPath);
  if (!fromRead) throw new NotFoundError(`model ${model} has no version ${options.from} at ${options.base}`, { file: fromPath, ref: options.base });
  const from = fromRead.artifact;
  const config = await reader.loadArtifact('ModelConfig', base, paths.modelConfig(model));

  const data = await loadTrainableData(reader, base, from.dataset.name, options.datasetVersion, options.base);
  const datasetVersion = data.version;
  if (data.taxonomyRef.path !== from.taxonomy.path || data.taxonomyRef.sha256 !== from.taxonomy.sha256) {
    throw new InputError(`${from.dataset.name} ${datasetVersion} is labelled under ${data.taxonomyRef.path}, but ${model} ${options.from} was trained under ${from.taxonomy.path}: a new taxonomy needs a new model (cairn train)`, {
      file: fromPath,
      rule: 'taxonomy-binding',
    });
  }

  const weightsPath = paths.modelFile(model, options.from, 'model.onnx');
  const weights = await reader.readFile(base, weightsPath);
  const recorded = from.files['model.onnx'];
  if (!weights || !recorded) throw new NotFoundError(`${weightsPath} is missing`, { file: weightsPath });
  const evaluation = await evaluateTrainedModel({
    bytes: weights,
    sha256: recorded.sha256,
    file: weightsPath,
    data,
    readImage: options.readImage,
    calibrate: true,
    biasField: config.bias_field ?? null,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const version = planCalibrationVersion(options.from, (await listModelVersions(reader, base, model)).map(String));
  const { metrics, calibration } = buildEvaluationArtifacts(model, version, data, evaluation, null);
  if (!calibration) {
    throw new PolicyError(`cannot calibrate ${model} ${options.from} on ${from.dataset.name} ${datasetVersion}: ${evaluation.notes.join('; ') || 'nothing to fit on'}`, { rule: 'calibration-data' });
  }
  const { checksum: _checksum, schema: _schema, files: _files, calibrated: _calibrated, ...kept } = from;
  const { manifest, files } = buildModelVersion({
    weights,
    metrics,
    calibration,
    manifest: { ...kept, model_version: version, code_commit: options.codeCommit, parent: { model_version: options.from, manifest: fromRead.fileRef }, created_at: options.now().toISOString() },
  });
  const committed = await commitModelVersion({
    dir: options.dir,
    reader,
    stage: 'calibrate',
    runId: options.runId,
    base,
    ...(options.branch ? { branch: options.branch } : {}),
    ...(options.push ? { push: options.push } : {}),
    manifest,
    files,
    subject: `cairn: calibrate ${model} ${version} (weights of ${options.from}) on ${from.dataset.name} ${datasetVersion}`,
    body: `Isotonic calibration per class, fitted on the validation split: test ECE ${formatMetric(calibration.ece_before)} → ${formatMetric(calibration.ece_after)}.`,
  });
  return { model, version, from: options.from, ...committed, manifest, metrics, calibration };
}
