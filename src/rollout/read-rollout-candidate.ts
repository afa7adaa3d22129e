import { paths } from '../artifacts/layout.js';
import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import type { RolloutCandidate } from './plan-rollout-change.js';

/**
 * A model version as a rollout candidate at `ref`: its gate decision (what it decided and the
 * `{path, sha256}` the rollout state records) and its manifest. A version without a gate
 * decision cannot start a rollout.
 */
export async function readRolloutCandidate(reader: RepoReader, ref: string, model: string, version: string): Promise<RolloutCandidate> {
  const manifestPath = paths.modelManifest(model, version);
  const gatePath = paths.modelFile(model, version, 'gate.json');
  const manifest = await reader.readArtifactWithRef('ModelArtifact', ref, manifestPath);
  if (!manifest) throw new NotFoundError(`${manifestPath} does not exist at ${ref}: ${model} ${version} was never registered`, { file: manifestPath, ref });
  const gate = await reader.readArtifactWithRef('GateDecision', ref, gatePath);
  if (!gate) throw new NotFoundError(`${gatePath} does not exist at ${ref}: run cairn gate ${model} ${version} first`, { file: gatePath, ref });
  return { model_version: version, manifest: manifest.fileRef, gate: gate.fileRef, decision: gate.artifact.decision };
}

/** The gate decision of the candidate a state serves (or served before a change), or null without one. */
export async function readCandidateDecision(reader: RepoReader, ref: string, candidate: { gate: { path: string } } | null | undefined): Promise<RolloutCandidate['decision'] | null> {
  if (!candidate) return null;
  const gate = await reader.readArtifact('GateDecision', ref, candidate.gate.path);
  return gate?.decision ?? null;
}
