import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { paths } from '../artifacts/layout.js';
import type { ModelEvaluation } from '../evaluate/evaluate-model.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { evaluateTrainedModel, type EvaluationProgress } from './evaluate-version.js';
import { loadTrainableData, type ItemImageReader } from './training-data.js';

export interface EvaluateOptions {
  reader: RepoReader;
  ref: string;
  model: string;
  /** A registered version (its weights and, when it has one, its calibration), or … */
  version?: string;
  /** … an ONNX file on disk that is not registered yet, evaluated against the model's dataset. */
  onnxFile?: string;
  /** The dataset version whose test split is used (default: the newest validated one). */
  datasetVersion?: string;
  readImage: ItemImageReader;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface EvaluateResult {
  model: string;
  /** The version or file evaluated. */
  subject: string;
  dataset: { name: string; version: string };
  evaluation: ModelEvaluation;
}

/**
 * `cairn evaluate`: measures a model version (or an unregistered ONNX file) on a dataset version's
 * frozen test split — the same metrics `cairn train` records — and writes nothing. A registered
 * version's own calibration is measured as it is, not refitted.
 */
export async function runEvaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const { reader, model, ref } = options;
  const config = await reader.loadArtifact('ModelConfig', ref, paths.modelConfig(model));
  const data = await loadTrainableData(reader, ref, config.dataset, options.datasetVersion);

  let bytes: Uint8Array;
  let sha256: string;
  let file: string;
  let existingCalibration = null;
  if (options.version) {
    const manifest = await reader.readArtifact('ModelArtifact', ref, paths.modelManifest(model, options.version));
    if (!manifest) throw new NotFoundError(`model ${model} has no version ${options.version} at ${ref}`, { file: paths.modelManifest(model, options.version), ref });
    file = paths.modelFile(model, options.version, 'model.onnx');
    const stored = await reader.readFile(ref, file);
    if (!stored || !manifest.files['model.onnx']) throw new NotFoundError(`${file} is missing at ${ref}`, { file, ref });
    bytes = stored;
    sha256 = manifest.files['model.onnx'].sha256;
    if (manifest.calibrated) existingCalibration = (await reader.loadArtifact('Calibration', ref, paths.modelFile(model, options.version, 'calibration.json'))).classes;
  } else if (options.onnxFile) {
    file = options.onnxFile;
    bytes = await readFile(file).catch((cause: unknown) => {
      throw new NotFoundError(`${file} cannot be read: ${(cause as Error).message}`, { file }, { cause });
    });
    sha256 = sha256Hex(bytes);
  } else {
    throw new UsageError('give a model version or an ONNX file to evaluate', { model });
  }
  const evaluation = await evaluateTrainedModel({
    bytes,
    sha256,
    file,
    data,
    readImage: options.readImage,
    calibrate: false,
    existingCalibration,
    biasField: config.bias_field ?? null,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { model, subject: options.version ?? file, dataset: { name: config.dataset, version: data.version }, evaluation };
}
