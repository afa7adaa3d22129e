import { performance } from 'node:perf_hooks';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { BuiltinTrainerConfig } from '../artifacts/schemas/trainer-config.js';
import { assertMatchesSchema } from '../artifacts/validate.js';
import { resolveTrainingLabels } from '../dataset/training-labels.js';
import type { BoxPostprocess } from '../model/model-spec.js';
import { DEFAULT_INPUT_SIZE, type ExtractorSpec } from '../model/feature-extractor.js';
import { modelTaxonomyOf } from '../model/open-model.js';
import { planTrainerItems, runExternalTrainer } from '../train/external-trainer.js';
import { planTrainingItems } from '../train/plan-training-items.js';
import { resolveTrainConfig, type TrainConfig } from '../train/train-config.js';
import { DEFAULT_POSTPROCESS, IMAGENET_MEAN, IMAGENET_STD, trainBuiltinModel, type TrainingPhase } from '../train/train-builtin-model.js';
import type { ItemImageReader, TrainingData } from './training-data.js';

/** What a trainer produced. */
export interface TrainedModel {
  bytes: Uint8Array;
  sha256: string;
  seconds: number;
  epochs: number;
  /** Items per split handed to the trainer, and labels by source. */
  items: Record<string, number>;
}

export interface TrainModelOptions {
  readImage: ItemImageReader;
  onProgress?: (phase: TrainingPhase | 'trainer', done: number, total: number) => void;
}

/** The config of the built-in trainer with every default filled in: what a manifest records. */
export interface BuiltinSnapshot extends TrainConfig {
  extractor: ExtractorSpec;
  mean: [number, number, number];
  std: [number, number, number];
  postprocess: BoxPostprocess;
}

/**
 * The built-in trainer's config with every default filled in, from `model.yaml`'s `trainer.config`
 * or a manifest's snapshot (which resolves to itself). Checked against the schema `model.yaml` is
 * checked against; a fault is named in `file` at `pointer` (`/trainer/config`, `/config`).
 */
export function resolveBuiltinConfig(config: Record<string, unknown>, file: string, pointer: string): BuiltinSnapshot {
  const { extractor, mean, std, postprocess, ...overrides } = assertMatchesSchema(BuiltinTrainerConfig, config, file, pointer);
  return {
    ...resolveTrainConfig(overrides, file, pointer),
    extractor: { seed: 0, inputSize: DEFAULT_INPUT_SIZE, ...extractor },
    mean: [...(mean ?? IMAGENET_MEAN)] as [number, number, number],
    std: [...(std ?? IMAGENET_STD)] as [number, number, number],
    postprocess: { ...DEFAULT_POSTPROCESS, ...postprocess },
  };
}

/**
 * Trains on the training split of `data` with the built-in trainer. Image labels follow the
 * hierarchy human > weak > model (`resolveTrainingLabels`), weak ones weighted by their weight;
 * region boxes are human only. The same data and snapshot give a byte-identical model.
 */
export async function trainBuiltin(snapshot: BuiltinSnapshot, data: TrainingData, options: TrainModelOptions): Promise<TrainedModel> {
  const { extractor, mean, std, postprocess, ...train } = snapshot;
  const items = data.splits.train;
  const labels = resolveTrainingLabels(items, data.weakLabels);
  const started = performance.now();
  const trained = await trainBuiltinModel(
    planTrainingItems(items, labels, (item) => () => options.readImage(item)),
    {
      ...modelTaxonomyOf(data.taxonomy),
      config: train,
      extractor,
      mean,
      std,
      postprocess,
      onProgress: (done, total, phase) => options.onProgress?.(phase, done, total),
    },
  );
  const bySource = (source: string) => labels.filter((label) => label.source === source).length;
  return {
    bytes: trained.model,
    sha256: sha256Hex(trained.model),
    seconds: (performance.now() - started) / 1000,
    epochs: trained.stats.classHead.epochs,
    items: {
      train: items.length,
      human_labels: bySource('human'),
      weak_labels: bySource('weak'),
      regions: items.reduce((sum, item) => sum + item.regions.length, 0),
      // Images smaller than the model's input: upscaled like the others, and counted here.
      upscaled_images: trained.stats.upscaledImages,
    },
  };
}

export interface TrainExternalOptions extends TrainModelOptions {
  model: string;
  /** Where the command runs: the model's `registry/<model>/` in the clone. */
  cwd: string;
  onLog?: (line: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Hands the training and validation splits to the model's external command (see
 * docs/external-trainers.md) and takes the ONNX model it writes. The test split is never handed
 * over: cairn evaluates the model itself.
 */
export async function trainExternal(command: string, config: Record<string, unknown>, data: TrainingData, options: TrainExternalOptions): Promise<TrainedModel> {
  const labels = resolveTrainingLabels([...data.splits.train, ...data.splits.val], data.weakLabels);
  const train = planTrainerItems(data.splits.train, labels);
  const val = planTrainerItems(data.splits.val, labels);
  options.onProgress?.('trainer', 0, 1);
  const result = await runExternalTrainer({
    command,
    cwd: options.cwd,
    model: options.model,
    config,
    ...modelTaxonomyOf(data.taxonomy),
    input: { width: DEFAULT_INPUT_SIZE, height: DEFAULT_INPUT_SIZE, mean: IMAGENET_MEAN, std: IMAGENET_STD },
    train,
    val,
    readImage: options.readImage,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLog ? { onLog: (line: string) => options.onLog!(line) } : {}),
  });
  options.onProgress?.('trainer', 1, 1);
  const bySource = (source: string) => train.filter((entry) => entry.label?.source === source).length;
  return {
    bytes: result.model,
    sha256: result.sha256,
    seconds: result.seconds,
    epochs: 0,
    items: { train: train.length, val: val.length, human_labels: bySource('human'), weak_labels: bySource('weak'), regions: data.splits.train.reduce((sum, item) => sum + item.regions.length, 0) },
  };
}
