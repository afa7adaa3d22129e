import type { RolloutStateV2 as RolloutState } from '../artifacts/schemas/promotion.js';

export { summarizeRollout } from '../rollout/summarize-rollout.js';

/** What one change of rollout state did, in the words of the state's own `action` where it can. */
export type HistoryAction =
  | 'init'
  | 'start'
  | 'advance'
  | 'promote'
  | 'abort'
  | 'kill-switch-on'
  | 'kill-switch-off'
  | 'pin'
  | 'unpin'
  | 'rollback'
  | 'revert'
  | 'remove'
  | 'change';

/** Actions a state names that say what its change did (`init` and `approve` do not). */
const NAMED: readonly HistoryAction[] = ['start', 'advance', 'promote', 'abort', 'kill-switch-on', 'kill-switch-off', 'pin', 'unpin', 'rollback'];

/**
 * What a change of rollout state did. `reverted` marks a commit made by reverting another. A
 * format 2 state names its last action; a promotion pull request whose approval was recorded on
 * its branch ends with action `approve`, so that one (and format 1) is told from the states.
 */
export function classifyRolloutChange(before: RolloutState | null, after: RolloutState | null, reverted: boolean): HistoryAction {
  if (reverted) return 'revert';
  if (!after) return 'remove';
  const named = NAMED.find((action) => action === after.action);
  if (named) return named;
  if (!before) return after.candidate ? 'start' : 'init';
  if (before.kill_switch !== after.kill_switch) return after.kill_switch ? 'kill-switch-on' : 'kill-switch-off';
  if (before.pinned !== after.pinned) return after.pinned ? 'pin' : 'unpin';
  const was = before.candidate;
  const now = after.candidate;
  if (now && (!was || was.model_version !== now.model_version)) return 'start';
  if (now && was && now.percent > was.percent) return 'advance';
  if (was && !now) return after.production?.model_version === was.model_version ? 'promote' : 'abort';
  return 'change';
}

/** The approval a change recorded (a candidate's, or the one production carries from it), if it is new. */
export function newApproval(before: RolloutState | null, after: RolloutState | null): NonNullable<NonNullable<RolloutState['candidate']>['approval']> | null {
  const approval = after?.candidate?.approval ?? null;
  const earlier = before?.candidate?.approval ?? null;
  if (!approval || (earlier && earlier.by === approval.by && earlier.commit === approval.commit)) return null;
  return approval;
}
