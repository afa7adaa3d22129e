import { paths } from '../artifacts/layout.js';
import type { ModelConfig } from '../artifacts/schemas/model-config.js';
import type { Calibration, ModelArtifact, TrainingMetrics } from '../artifacts/schemas/model.js';
import { InputError, NotFoundError } from '../errors.js';
import { parseModelMetadata } from '../model/read-model-metadata.js';
import type { RepoReader } from '../store/repo-reader.js';
import { formatMetric } from './format-metric.js';
import { evaluateTrainedModel, type EvaluationProgress } from './evaluate-version.js';
import { describeRetrainReasons, planModelVersion, type RetrainReason, type TrainingInputs } from './plan-model-version.js';
import { listModelVersions } from './read-registry.js';
import { runTrainer, trainingConfigOf } from './run-trainer.js';
import { loadTrainableData, type ItemImageReader } from './training-data.js';
import { buildEvaluationArtifacts, buildModelVersion, commitModelVersion } from './write-model-version.js';

export interface TrainOptions {
  /** A clone of the model repository (external trainers run in its `registry/<model>/`). */
  dir: string;
  reader: RepoReader;
  model: string;
  /** The ref whose model config, dataset and registry the run reads (`main`, `origin/main`). */
  base: string;
  /** Train on this dataset version instead of the newest. */
  datasetVersion?: string;
  /** Commit on this branch (created from `base` when new); defaults to the checked-out branch. */
  branch?: string | ((version: string) => string);
  readImage: ItemImageReader;
  runId: string;
  now: () => Date;
  /** The commit of the code that trains, recorded in the lineage (see `codeCommitFromEnv`). */
  codeCommit: string;
  push?: { remote: string };
  onProgress?: (progress: TrainProgress) => void;
  onLog?: (line: string) => void;
  /** Stops an external trainer (its whole process group) when aborted, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** Kills an external trainer that runs longer (rule `trainer-timeout`); nothing is written. */
  trainerTimeoutMs?: number;
}

export type TrainProgress = { phase: 'features' | 'heads' | 'model' | 'trainer'; done: number; total: number } | EvaluationProgress;

export type TrainResult =
  | {
      kind: 'trained';
      model: string;
      version: string;
      change: string;
      /** Every input that differs from the parent's (none for the first version). */
      reasons: RetrainReason[];
      branch: string;
      commit: string;
      manifest: ModelArtifact;
      metrics: TrainingMetrics;
      calibration: Calibration | null;
      /** Why a figure is missing or worth a look (no labelled validation item to calibrate on, a calibration that did not help). */
      notes: string[];
    }
  /** The newest version was trained on the same taxonomy, dataset version, trainer and config. */
  | { kind: 'unchanged'; model: string; version: string; datasetVersion: string };

/**
 * `cairn train`: refuses a dataset version whose validation did not pass; trains the model its
 * `model.yaml` describes (built-in or an external command); evaluates the result itself on the test
 * split, and fits its calibration on the validation split; then writes the new version —
 * `model.onnx`, `metrics.json`, `calibration.json` and the manifest with the full lineage — in one
 * write-once commit. Nothing is written when any step fails.
 */
export async function runTrain(options: TrainOptions): Promise<TrainResult> {
  const { reader, model } = options;
  const base = await reader.resolveCommit(options.base);
  const configPath = paths.modelConfig(model);
  const config = await reader.readArtifact('ModelConfig', base, configPath);
  if (!config) throw new NotFoundError(`model ${model} has no ${configPath} at ${options.base}`, { file: configPath, ref: options.base });

  const data = await loadTrainableData(reader, base, config.dataset, options.datasetVersion, options.base);
  const datasetVersion = data.version;
  assertTaxonomyBinding(config, configPath, data.taxonomy.taxonomy_version);

  const trainerConfig = trainingConfigOf(config, configPath);
  const inputs: TrainingInputs = { taxonomy: data.taxonomyRef, dataset: { version: datasetVersion, manifest: data.manifestRef }, trainer: trainerConfig.trainer, config: trainerConfig.config };
  const newest = await newestManifest(reader, base, model);
  const plan = planModelVersion(newest?.manifest ?? null, inputs);
  if (plan.kind === 'unchanged') return { kind: 'unchanged', model, version: plan.parent.model_version, datasetVersion };
  const version = plan.version;

  const trained = await runTrainer(trainerConfig, data, {
    model,
    workDir: options.dir,
    readImage: options.readImage,
    onProgress: (phase, done, total) => options.onProgress?.({ phase, done, total }),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.trainerTimeoutMs === undefined ? {} : { timeoutMs: options.trainerTimeoutMs }),
  });
  const modelFile = paths.modelFile(model, version, 'model.onnx');
  const evaluation = await evaluateTrainedModel({
    bytes: trained.bytes,
    sha256: trained.sha256,
    file: modelFile,
    data,
    readImage: options.readImage,
    calibrate: config.calibration,
    biasField: config.bias_field ?? null,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const { metrics, calibration } = buildEvaluationArtifacts(model, version, data, evaluation, {
    seconds: round(trained.seconds, 3),
    epochs: trained.epochs,
    items: trained.items,
  });
  const metadata = parseModelMetadata(trained.bytes, modelFile);
  const { manifest, files } = buildModelVersion({
    weights: trained.bytes,
    metrics,
    calibration,
    manifest: {
      model,
      model_version: version,
      taxonomy: data.taxonomyRef,
      dataset: { name: config.dataset, version: datasetVersion, manifest: data.manifestRef },
      trainer: trainerConfig.trainer,
      config: trainerConfig.config,
      code_commit: options.codeCommit,
      input: { width: metadata.inputWidth, height: metadata.inputHeight, mean: [...metadata.mean], std: [...metadata.std] },
      classes: [...metadata.classes],
      region_classes: [...metadata.regionClasses],
      parent: newest ? { model_version: newest.manifest.model_version, manifest: newest.ref } : null,
      created_at: options.now().toISOString(),
    },
  });
  const branch = typeof options.branch === 'function' ? options.branch(version) : options.branch;
  const committed = await commitModelVersion({
    dir: options.dir,
    reader,
    stage: 'train',
    runId: options.runId,
    base,
    ...(branch ? { branch } : {}),
    ...(options.push ? { push: options.push } : {}),
    manifest,
    files,
    subject: `cairn: train ${model} ${version} on ${config.dataset} ${datasetVersion}`,
    body: `macro F1 ${formatMetric(metrics.classification.macro_f1)}${metrics.detection ? `, AP50 ${formatMetric(metrics.detection.ap50)}` : ''}; ${plan.parent ? `${describeRetrainReasons(plan.reasons)} since ${plan.parent.model_version}` : 'first version'}.`,
  });
  return { kind: 'trained', model, version, change: plan.change, reasons: plan.reasons, ...committed, manifest, metrics, calibration, notes: evaluation.notes };
}

/** The newest version of `model` at `ref` with the sha256 of its manifest, or null. */
export async function newestManifest(reader: RepoReader, ref: string, model: string): Promise<{ manifest: ModelArtifact; ref: { path: string; sha256: string } } | null> {
  const versions = await listModelVersions(reader, ref, model);
  const newest = versions.at(-1);
  if (!newest) return null;
  const path = paths.modelManifest(model, newest.toString());
  const read = await reader.readArtifactWithRef('ModelArtifact', ref, path);
  if (!read) throw new NotFoundError(`${path} is missing: model version ${newest} has no manifest`, { file: path, ref });
  return { manifest: read.artifact, ref: read.fileRef };
}

function assertTaxonomyBinding(config: ModelConfig, file: string, datasetTaxonomy: string): void {
  if (config.taxonomy_version !== datasetTaxonomy) {
    throw new InputError(`${file}: the model is bound to taxonomy ${config.taxonomy_version}, but dataset ${config.dataset} is labelled under ${datasetTaxonomy}`, {
      file,
      rule: 'taxonomy-binding',
      expected: config.taxonomy_version,
      actual: datasetTaxonomy,
    });
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
