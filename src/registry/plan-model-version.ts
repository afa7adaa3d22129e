import { canonicalize } from '../artifacts/canonical-json.js';
import type { ModelArtifact } from '../artifacts/schemas/model.js';
import { ModelVersion, type VersionChange } from './model-version.js';

/** What a training run would build a model version from. */
export interface TrainingInputs {
  taxonomy: { path: string; sha256: string };
  dataset: { version: string; manifest: { path: string; sha256: string } };
  trainer: ModelArtifact['trainer'];
  /** The resolved training config, as the manifest records it. */
  config: Record<string, unknown>;
}

/** What differs from the newest version: each one alone is reason to train again. */
export type RetrainReason = 'taxonomy' | 'data' | 'trainer' | 'trainer-config';

export type VersionPlan =
  /** `reasons` lists every input that differs from the parent's (none for the first version). */
  | { kind: 'new'; version: string; change: VersionChange | 'first'; reasons: RetrainReason[]; parent: ModelArtifact | null }
  /** The newest version was trained on exactly these inputs: training again would give the same model. */
  | { kind: 'unchanged'; parent: ModelArtifact };

/**
 * The version a training run writes, from the model's newest version: 1.0.0 for the first; a new
 * major for another taxonomy; a new minor for new data or a changed trainer or config. The same
 * taxonomy, dataset version, trainer and config as the newest version means nothing to train.
 * (Patches are new calibrations of the same weights: `planCalibrationVersion`.)
 */
export function planModelVersion(newest: ModelArtifact | null, inputs: TrainingInputs): VersionPlan {
  if (!newest) return { kind: 'new', version: ModelVersion.first.toString(), change: 'first', reasons: [], parent: null };
  const reasons = reasonsToRetrain(newest, inputs);
  if (reasons.length === 0) return { kind: 'unchanged', parent: newest };
  const change = reasons.includes('taxonomy') ? 'taxonomy' : 'data';
  return { kind: 'new', version: ModelVersion.parse(newest.model_version).bump(change).toString(), change, reasons, parent: newest };
}

/** The next patch after the newest version of the same major.minor as `base`. */
export function planCalibrationVersion(base: string, versions: readonly string[]): string {
  const from = ModelVersion.parse(base);
  const siblings = versions.map((version) => ModelVersion.parse(version)).filter((version) => version.major === from.major && version.minor === from.minor);
  const newest = siblings.reduce((a, b) => (a.compare(b) >= 0 ? a : b), from);
  return newest.bump('calibration').toString();
}

function reasonsToRetrain(newest: ModelArtifact, inputs: TrainingInputs): RetrainReason[] {
  const differs: Record<RetrainReason, boolean> = {
    taxonomy: newest.taxonomy.path !== inputs.taxonomy.path || newest.taxonomy.sha256 !== inputs.taxonomy.sha256,
    data: newest.dataset.manifest.sha256 !== inputs.dataset.manifest.sha256,
    trainer: canonicalize(trainerIdentity(newest.trainer)) !== canonicalize(trainerIdentity(inputs.trainer)),
    'trainer-config': canonicalize(newest.config) !== canonicalize(inputs.config),
  };
  return (Object.keys(differs) as RetrainReason[]).filter((reason) => differs[reason]);
}

const REASON_TEXT: Record<RetrainReason, string> = {
  taxonomy: 'new taxonomy',
  data: 'new data',
  trainer: 'changed trainer',
  'trainer-config': 'changed trainer config',
};

/** Why a version was trained, as the CLI, the commit and the pull request say it: "new data, changed trainer config". */
export function describeRetrainReasons(reasons: readonly RetrainReason[]): string {
  return reasons.length === 0 ? 'first version' : reasons.map((reason) => REASON_TEXT[reason]).join(', ');
}

/** The trainer's kind, name and command decide the model; its version string (cairn's) is recorded only. */
function trainerIdentity(trainer: ModelArtifact['trainer']): unknown {
  return { kind: trainer.kind, name: trainer.name, command: trainer.command ?? null };
}
