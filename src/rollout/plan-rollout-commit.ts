import { encodeArtifact, buildArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import type { RepoReader } from '../store/repo-reader.js';
import type { StagePlan } from '../store/stage-writer.js';
import { planRolloutChange, type RolloutChange } from './plan-rollout-change.js';
import { readCandidateDecision, readRolloutCandidate } from './read-rollout-candidate.js';
import { readRolloutState, readRolloutThresholds } from './read-rollout-state.js';
import type { RolloutRequest } from './rollout-request.js';
import { buildRolloutBody, buildRolloutTitle, type Decision } from './rollout-pull-request.js';

/** One rollout change, planned on the state at a commit: the new state and its pull request. */
export interface RolloutPlan {
  model: string;
  /** The commit the change was planned on. */
  base: string;
  change: RolloutChange;
  before: RolloutStateV2 | null;
  after: RolloutStateV2;
  /** The gate decision of the candidate involved, when there is one. */
  decision: Decision | null;
  title: string;
  body: string;
}

/**
 * Plans a rollout change on the newest state at `ref`. A `start` reads the version's gate decision
 * and manifest and the stages of `thresholds/rollout.yaml` at the same commit. Refuses with a
 * PolicyError naming the rule (see planRolloutChange).
 */
export async function planRolloutCommit(
  reader: RepoReader,
  ref: string,
  model: string,
  request: RolloutRequest | RolloutChange,
  context: { reason: string; now: Date },
): Promise<RolloutPlan> {
  const before = await readRolloutState(reader, ref, model);
  const change = await resolveChange(reader, ref, model, request);
  const after = buildArtifact('RolloutState', planRolloutChange(model, before, change, context), paths.rollout(model));
  const decision = change.action === 'start' ? change.candidate.decision : await readCandidateDecision(reader, ref, after.candidate ?? before?.candidate);
  const title = buildRolloutTitle(model, change, after, before);
  return { model, base: ref, change, before, after, decision, title, body: buildRolloutBody(model, change, before, after, context.reason, decision) };
}

/** The plan as the one commit of a stage: only `registry/<model>/rollout.json` changes. */
export function toStagePlan(plan: RolloutPlan, reason: string): StagePlan<RolloutPlan> {
  const path = paths.rollout(plan.model);
  return {
    subject: plan.title,
    body: reason ? `Reason: ${reason}` : undefined,
    files: [{ path, content: encodeArtifact('RolloutState', plan.after, path) }],
    trailers: [['Cairn-Rollout-Action', plan.change.action]],
    value: plan,
  };
}

async function resolveChange(reader: RepoReader, ref: string, model: string, request: RolloutRequest | RolloutChange): Promise<RolloutChange> {
  if (!('version' in request) || request.action !== 'start') return request;
  const [candidate, thresholds] = await Promise.all([readRolloutCandidate(reader, ref, model, request.version), readRolloutThresholds(reader, ref)]);
  return { action: 'start', candidate, stages: [...thresholds.stages] };
}
