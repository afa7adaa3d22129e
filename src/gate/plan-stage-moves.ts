import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';

/** A rollout in progress whose stage the proposed `thresholds/rollout.yaml` no longer has. */
export interface StageMove {
  model: string;
  model_version: string;
  percent: number;
  /** The next stage of the stages it started with (null: it is at its last). */
  nextNow: number | null;
  /** The next stage under the proposed stages: the first above where it is now. */
  nextProposed: number | null;
}

/** Which rollouts in progress sit on a stage the proposed stages drop, and where each would go next. Pure. */
export function planStageMoves(states: readonly RolloutStateV2[], proposedStages: readonly number[]): StageMove[] {
  const moves: StageMove[] = [];
  for (const state of states) {
    const candidate = state.candidate;
    if (!candidate || proposedStages.includes(candidate.percent)) continue;
    moves.push({
      model: state.model,
      model_version: candidate.model_version,
      percent: candidate.percent,
      nextNow: candidate.stages.find((stage) => stage > candidate.percent) ?? null,
      nextProposed: proposedStages.find((stage) => stage > candidate.percent) ?? null,
    });
  }
  return moves;
}
