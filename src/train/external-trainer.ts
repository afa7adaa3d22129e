import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { sha256Hex } from '../artifacts/canonical-json.js';
import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import type { TrainingLabel } from '../dataset/training-labels.js';
import { InputError, PolicyError } from '../errors.js';
import { runTrainerCommand } from './trainer-command.js';
import { readTrainerModel } from './trainer-model.js';
import { writeWorkDir } from './trainer-work-dir.js';

export { EXTERNAL_TRAINER_SCHEMA } from './trainer-work-dir.js';

/** One item handed to an external trainer: a dataset item with its resolved image-class label, if any. */
export interface TrainerItem {
  item: DatasetItem;
  label: { name: string; weight: number; source: TrainingLabel['source'] } | null;
}

export interface ExternalTrainerOptions {
  /** Run as `/bin/sh -c command`. */
  command: string;
  /** Where the command runs: the model's registry directory, so `python train.py` resolves there. */
  cwd: string;
  /** Absent or empty; a fresh temporary directory when not given. Removed afterwards unless `keep`. */
  workDir?: string;
  keep?: boolean;
  model: string;
  /** The trainer's own settings from `model.yaml`, handed over untouched. */
  config: Record<string, unknown>;
  classes: readonly string[];
  regionClasses: readonly string[];
  /** The input size and normalisation cairn suggests; the model's metadata says what it chose. */
  input: { width: number; height: number; mean: readonly number[]; std: readonly number[] };
  train: readonly TrainerItem[];
  val: readonly TrainerItem[];
  /** The encoded bytes of an item's image; called once per distinct image. */
  readImage: (item: DatasetItem) => Promise<Uint8Array>;
  timeoutMs?: number;
  /** Extra environment on top of cairn's own; the `CAIRN_*` variables cannot be overridden. */
  env?: Record<string, string>;
  /** Every line the command prints, as it prints it. Must not throw. */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** Milliseconds, for `seconds`. */
  now?: () => number;
}

export interface ExternalTrainerResult {
  /** The bytes of `output/model.onnx`, checked to be a cairn model for these classes. */
  model: Uint8Array;
  sha256: string;
  /** Wall time of the command. */
  seconds: number;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  logTail: string[];
}

/** The items of one split with their labels from `resolveTrainingLabels`. Pure. */
export function planTrainerItems(items: readonly DatasetItem[], labels: readonly TrainingLabel[]): TrainerItem[] {
  const labelOf = new Map(labels.map((label) => [label.itemId, label]));
  return items.map((item) => {
    const label = labelOf.get(item.id);
    return { item, label: label ? { name: label.label, weight: label.weight, source: label.source } : null };
  });
}

/**
 * Hands the train and val items to an external trainer command through a work directory (contract v1,
 * docs/external-trainers.md), runs it, and returns the `output/model.onnx` it wrote once it is checked
 * to be a cairn model for the given classes. The test split is refused: a trainer never sees what it is
 * graded on. Errors name the command: `InputError` (rules `trainer-exit`, `trainer-timeout`,
 * `trainer-output`, `trainer-classes`, or the model reader's), `NotFoundError` when no model was written.
 */
export async function runExternalTrainer(options: ExternalTrainerOptions): Promise<ExternalTrainerResult> {
  assertTrainerItems(options);
  options.signal?.throwIfAborted();
  // Absolute: the command runs elsewhere and its CAIRN_* paths must hold there.
  const workDir = options.workDir === undefined ? await mkdtemp(join(tmpdir(), 'cairn-trainer-')) : resolvePath(options.workDir);
  const created = options.workDir === undefined || (await assertEmptyDir(workDir));
  try {
    await writeWorkDir(workDir, options);
    const now = options.now ?? (() => performance.now());
    const started = now();
    const logTail = await runTrainerCommand(workDir, options);
    const seconds = Math.round(now() - started) / 1000;
    const model = await readTrainerModel(join(workDir, 'output', 'model.onnx'), options);
    return { model, sha256: sha256Hex(model), seconds, logTail };
  } finally {
    if (!options.keep) await (created ? rm(workDir, { recursive: true, force: true }) : emptyDir(workDir));
  }
}

function assertTrainerItems(options: ExternalTrainerOptions): void {
  const classes = new Set(options.classes);
  const regionClasses = new Set(options.regionClasses);
  for (const { item, label } of [...options.train, ...options.val]) {
    if (item.split === 'test') {
      throw new PolicyError(`${item.id} is in the test split; the test split is never handed to a trainer`, { item: item.id, rule: 'test-split' });
    }
    if (label && !classes.has(label.name)) {
      throw new InputError(`${item.id}: image class "${label.name}" is not in the model's list`, { item: item.id, rule: 'unknown-class', label: label.name });
    }
    const region = item.regions.find((r) => !regionClasses.has(r.label));
    if (region) {
      throw new InputError(`${item.id}: region class "${region.label}" is not in the model's list`, { item: item.id, rule: 'unknown-class', label: region.label });
    }
  }
}

/** True when the directory did not exist (so it is ours to remove); a directory with entries is refused. */
async function assertEmptyDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
  if (entries === null) return true;
  // A stale output/model.onnx would pass for the new model.
  if (entries.length > 0) throw new InputError(`work directory ${dir} is not empty`, { file: dir, rule: 'trainer-work-dir' });
  return false;
}

async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}
