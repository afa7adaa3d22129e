import { paths } from '../artifacts/layout.js';
import type { ModelArtifact, TrainingMetrics } from '../artifacts/schemas/model.js';
import type { ArtifactOf } from '../artifacts/kinds.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { upgradeRolloutState } from '../artifacts/upgrade-promotion.js';
import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { ModelVersion } from './model-version.js';

/** The model names in `registry/` at `ref`. */
export async function listModels(reader: RepoReader, ref: string): Promise<string[]> {
  return (await reader.listDir(ref, 'registry')).filter((entry) => entry.type === 'tree').map((entry) => entry.name).sort();
}

/** A model's versions at `ref`, oldest first. */
export async function listModelVersions(reader: RepoReader, ref: string, model: string): Promise<ModelVersion[]> {
  return (await reader.listDir(ref, `registry/${model}`))
    .filter((entry) => entry.type === 'tree' && ModelVersion.isVersion(entry.name))
    .map((entry) => ModelVersion.parse(entry.name))
    .sort((a, b) => a.compare(b));
}

export interface ModelVersionSummary {
  model: string;
  version: string;
  manifest: ModelArtifact;
  metrics: TrainingMetrics | null;
  gate: ArtifactOf<'GateDecision'> | null;
  /** Where the rollout has it: production, candidate at a share, shadow, or nothing. */
  serving: string | null;
}

/** One model version with its metrics, gate decision and place in the rollout. */
export async function readModelVersion(reader: RepoReader, ref: string, model: string, version: string): Promise<ModelVersionSummary> {
  const manifest = await reader.readArtifact('ModelArtifact', ref, paths.modelManifest(model, version));
  if (!manifest) throw new NotFoundError(`model ${model} has no version ${version} at ${ref}`, { model, version, ref });
  const [metrics, gate, rollout] = await Promise.all([
    reader.readArtifact('TrainingMetrics', ref, paths.modelFile(model, version, 'metrics.json')),
    reader.readArtifact('GateDecision', ref, paths.modelFile(model, version, 'gate.json')),
    reader.readArtifact('RolloutState', ref, paths.rollout(model)),
  ]);
  return { model, version, manifest, metrics, gate, serving: servingOf(rollout ? upgradeRolloutState(rollout) : null, version) };
}

function servingOf(rollout: RolloutStateV2 | null, version: string): string | null {
  if (!rollout) return null;
  if (rollout.production?.model_version === version) return 'production';
  if (rollout.candidate?.model_version === version) return `candidate at ${rollout.candidate.percent}%`;
  if (rollout.shadow?.model_version === version) return 'shadow';
  return null;
}
