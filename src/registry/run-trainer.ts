import { join } from 'node:path';
import type { ModelConfig } from '../artifacts/schemas/model-config.js';
import type { ModelArtifact } from '../artifacts/schemas/model.js';
import { readPackageVersion } from '../package-root.js';
import type { TrainingPhase } from '../train/train-builtin-model.js';
import { resolveBuiltinConfig, trainBuiltin, trainExternal, type BuiltinSnapshot, type TrainedModel } from './train-model.js';
import type { ItemImageReader, TrainingData } from './training-data.js';

/** The trainer a model version is built with and the config it is given, as the manifest records them. */
export type TrainerConfig =
  | { trainer: ModelArtifact['trainer'] & { kind: 'builtin' }; config: Record<string, unknown>; snapshot: BuiltinSnapshot }
  | { trainer: ModelArtifact['trainer'] & { kind: 'external'; command: string }; config: Record<string, unknown> };

/** The trainer of a `model.yaml`, its config resolved (built-in defaults filled in). */
export function trainingConfigOf(config: ModelConfig, file: string): TrainerConfig {
  if (config.trainer.kind === 'builtin') {
    const snapshot = resolveBuiltinConfig(config.trainer.config, file, '/trainer/config');
    return { trainer: { kind: 'builtin', name: 'cairn-builtin', version: readPackageVersion() }, config: snapshot as unknown as Record<string, unknown>, snapshot };
  }
  const command = config.trainer.command;
  return { trainer: { kind: 'external', name: command.trim().split(/\s+/)[0]!, version: 'unknown', command }, config: config.trainer.config };
}

/** The trainer and config a manifest recorded: what `cairn reproduce` runs again. */
export function trainingConfigOfManifest(manifest: ModelArtifact, file: string): TrainerConfig {
  const { trainer } = manifest;
  if (trainer.kind === 'builtin') {
    const snapshot = resolveBuiltinConfig(manifest.config, file, '/config');
    return { trainer: { ...trainer, kind: 'builtin' }, config: manifest.config, snapshot };
  }
  return { trainer: { ...trainer, kind: 'external', command: trainer.command ?? '' }, config: manifest.config };
}

export interface RunTrainerOptions {
  model: string;
  /** The clone of the model repository: an external command runs in its `registry/<model>/`. */
  workDir: string;
  readImage: ItemImageReader;
  onProgress?: (phase: TrainingPhase | 'trainer', done: number, total: number) => void;
  onLog?: (line: string) => void;
  /** Stops an external command (its whole process group) when aborted, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** Kills an external command (its whole process group) that runs longer; the built-in trainer has none. */
  timeoutMs?: number;
}

/** Runs the built-in trainer or the model's external command on the training data. */
export async function runTrainer(trainer: TrainerConfig, data: TrainingData, options: RunTrainerOptions): Promise<TrainedModel> {
  if ('snapshot' in trainer) return trainBuiltin(trainer.snapshot, data, options);
  return trainExternal(trainer.trainer.command, trainer.config, data, { ...options, cwd: join(options.workDir, 'registry', options.model) });
}
