import type { RolloutStateV2 as RolloutState } from '../artifacts/schemas/promotion.js';

export type RolloutAction =
  | 'initialize'
  | 'start-rollout'
  | 'advance'
  | 'promote'
  | 'rollback'
  | 'revert'
  | 'kill-switch'
  | 'pin'
  | 'remove'
  | 'change';

/** One line a person can read: "production 1.0.0, candidate 1.1.0 at 25%". */
export function summarizeRollout(state: RolloutState | null): string {
  if (!state) return 'nothing served';
  const parts = [state.production ? `production ${state.production.model_version}` : 'no production'];
  if (state.candidate) parts.push(`candidate ${state.candidate.model_version} at ${state.candidate.percent}%`);
  if (state.shadow) parts.push(`shadow ${state.shadow.model_version}`);
  if (state.pinned) parts.push(`pinned to ${state.pinned}`);
  if (state.kill_switch) parts.push('kill switch on');
  return parts.join(', ');
}

/** What a change of rollout state did. `reverted` marks a commit made by reverting another. */
export function classifyRolloutChange(before: RolloutState | null, after: RolloutState | null, reverted: boolean): RolloutAction {
  if (reverted) return 'revert';
  if (!after) return 'remove';
  if (!before) return after.candidate ? 'start-rollout' : 'initialize';
  if (before.kill_switch !== after.kill_switch) return 'kill-switch';
  if (before.pinned !== after.pinned) return 'pin';
  const was = before.candidate;
  const now = after.candidate;
  if (now && (!was || was.model_version !== now.model_version)) return 'start-rollout';
  if (now && was && now.percent > was.percent) return 'advance';
  if (was && !now) {
    return after.production?.model_version === was.model_version ? 'promote' : 'rollback';
  }
  return 'change';
}
