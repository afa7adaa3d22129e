import { paths } from '../artifacts/layout.js';
import type { GatingThresholdsV2, RolloutStateV2, RolloutThresholdsV2 } from '../artifacts/schemas/promotion.js';
import { upgradeGatingThresholds, upgradeRolloutState, upgradeRolloutThresholds } from '../artifacts/upgrade-promotion.js';
import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';

/** A model's rollout state at `ref` in format 2 (format 1 upgraded), or null before its first rollout. */
export async function readRolloutState(reader: RepoReader, ref: string, model: string): Promise<RolloutStateV2 | null> {
  const state = await reader.readArtifact('RolloutState', ref, paths.rollout(model));
  return state ? upgradeRolloutState(state) : null;
}

/** `thresholds/gating.yaml` at `ref` in format 2, with the `{path, sha256}` a decision records. */
export async function readGatingThresholds(reader: RepoReader, ref: string): Promise<{ thresholds: GatingThresholdsV2; fileRef: { path: string; sha256: string } }> {
  const path = paths.thresholds('gating');
  const read = await reader.readArtifactWithRef('GatingThresholds', ref, path);
  if (!read) throw new NotFoundError(`${path} is missing at ${ref}; cairn init writes the defaults`, { file: path, ref });
  return { thresholds: upgradeGatingThresholds(read.artifact), fileRef: read.fileRef };
}

/** `thresholds/rollout.yaml` at `ref` in format 2. */
export async function readRolloutThresholds(reader: RepoReader, ref: string): Promise<RolloutThresholdsV2> {
  const path = paths.thresholds('rollout');
  const thresholds = await reader.readArtifact('RolloutThresholds', ref, path);
  if (!thresholds) throw new NotFoundError(`${path} is missing at ${ref}; cairn init writes the defaults`, { file: path, ref });
  return upgradeRolloutThresholds(thresholds);
}
