import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { readGatingThresholds, readRolloutState, readRolloutThresholds } from '../rollout/read-rollout-state.js';
import type { RepoReader } from '../store/repo-reader.js';
import { buildThresholdChanges } from './build-threshold-changes.js';
import { planStageMoves } from './plan-stage-moves.js';
import { readRecordedDecisions } from './read-recorded-decisions.js';
import { renderThresholdPlan, type ThresholdPlanComment, type ThresholdPlanView } from './render-threshold-plan.js';
import { replayDecisions } from './replay-decisions.js';

export interface ThresholdPlanOptions {
  reader: RepoReader;
  /** The thresholds in force: the pull request's base. */
  base: string;
  /** The proposed thresholds and the recorded decisions: the pull request's head. */
  ref: string;
}

export interface ThresholdPlan extends ThresholdPlanView {
  base: string;
  ref: string;
  comment: ThresholdPlanComment;
}

/**
 * `cairn thresholds plan`: replays every recorded gate decision at `ref` under the gating
 * thresholds at `base` (in force) and at `ref` (proposed), lists the rollouts in progress whose
 * stage the proposed rollout stages drop, and renders the pull request comment. Reads only.
 */
export async function runThresholdPlan(options: ThresholdPlanOptions): Promise<ThresholdPlan> {
  const { reader } = options;
  const [base, ref] = await Promise.all([reader.resolveCommit(options.base), reader.resolveCommit(options.ref)]);
  const [currentGating, proposedGating, currentRollout, proposedRollout] = await Promise.all([
    readGatingThresholds(reader, base),
    readGatingThresholds(reader, ref),
    readRolloutThresholds(reader, base),
    readRolloutThresholds(reader, ref),
  ]);
  const { recorded, unreplayable } = await readRecordedDecisions(reader, ref);
  const rolloutChanges = buildThresholdChanges(currentRollout, proposedRollout);
  const states = rolloutChanges.some((change) => change.key === 'stages') ? await readRolloutStates(reader, ref) : [];
  const view: ThresholdPlanView = {
    gating: { file: paths.thresholds('gating'), changes: buildThresholdChanges(currentGating.thresholds, proposedGating.thresholds) },
    rollout: { file: paths.thresholds('rollout'), changes: rolloutChanges, moves: planStageMoves(states, proposedRollout.stages) },
    replayed: replayDecisions(recorded, currentGating.thresholds, proposedGating.thresholds),
    unreplayable,
  };
  return { ...view, base, ref, comment: renderThresholdPlan(view) };
}

async function readRolloutStates(reader: RepoReader, ref: string): Promise<RolloutStateV2[]> {
  const models = (await reader.listDir(ref, 'registry')).filter((entry) => entry.type === 'tree').map((entry) => entry.name).sort();
  const states = await Promise.all(models.map((model) => readRolloutState(reader, ref, model)));
  return states.filter((state): state is RolloutStateV2 => state !== null);
}
