import { paths } from '../artifacts/layout.js';
import { ChecksumError, NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { runTrainer, trainingConfigOfManifest } from './run-trainer.js';
import { loadTrainingData, type ItemImageReader } from './training-data.js';

export interface ReproduceOptions {
  dir: string;
  reader: RepoReader;
  ref: string;
  model: string;
  version: string;
  readImage: ItemImageReader;
  /** The code running now, compared with the manifest's `code_commit`. */
  codeCommit: string;
  onProgress?: (phase: string, done: number, total: number) => void;
  onLog?: (line: string) => void;
  /** Kills an external trainer that runs longer (rule `trainer-timeout`). */
  trainerTimeoutMs?: number;
}

export interface ReproduceResult {
  model: string;
  version: string;
  /** The sha256 the manifest records for model.onnx, and the retrained model's. */
  expected: string;
  actual: string;
  identical: boolean;
  trainer: string;
  dataset: { name: string; version: string };
  /** The code that trained the recorded model, and the code that retrained it. */
  codeCommit: { recorded: string; now: string };
  seconds: number;
}

/**
 * `cairn reproduce`: retrains a model version from what its manifest records — the same dataset
 * version (its manifest checked by sha256), the same trainer and the resolved config — and compares
 * the new model's sha256 with the recorded one. The built-in trainer is deterministic, so any
 * difference means the data, the code or the platform changed; nothing is written either way.
 */
export async function runReproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const { reader, model, version } = options;
  const manifestPath = paths.modelManifest(model, version);
  const manifest = await reader.readArtifact('ModelArtifact', options.ref, manifestPath);
  if (!manifest) throw new NotFoundError(`model ${model} has no version ${version} at ${options.ref} (${manifestPath})`, { file: manifestPath, ref: options.ref });
  const recorded = manifest.files['model.onnx'];
  if (!recorded) throw new NotFoundError(`${manifestPath} lists no model.onnx`, { file: manifestPath });

  const data = await loadTrainingData(reader, options.ref, manifest.dataset.name, manifest.dataset.version);
  if (data.manifestRef.sha256 !== manifest.dataset.manifest.sha256) {
    throw new ChecksumError(`${data.manifestRef.path} has changed since ${model} ${version} was trained on it`, {
      file: data.manifestRef.path,
      expected: manifest.dataset.manifest.sha256,
      actual: data.manifestRef.sha256,
    });
  }
  const trainer = trainingConfigOfManifest(manifest, manifestPath);
  const trained = await runTrainer(trainer, data, {
    model,
    workDir: options.dir,
    readImage: options.readImage,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.trainerTimeoutMs === undefined ? {} : { timeoutMs: options.trainerTimeoutMs }),
  });
  return {
    model,
    version,
    expected: recorded.sha256,
    actual: trained.sha256,
    identical: trained.sha256 === recorded.sha256,
    trainer: trainer.trainer.kind === 'builtin' ? `${trainer.trainer.name} ${trainer.trainer.version}` : (trainer.trainer.command ?? trainer.trainer.name),
    dataset: { name: manifest.dataset.name, version: manifest.dataset.version },
    codeCommit: { recorded: manifest.code_commit, now: options.codeCommit },
    seconds: trained.seconds,
  };
}
