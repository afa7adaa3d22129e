import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';

/** One line a person can read: "production 1.0.0, candidate 1.1.0 at 25%". */
export function summarizeRollout(state: RolloutStateV2 | null): string {
  if (!state) return 'nothing served';
  const parts = [state.production ? `production ${state.production.model_version}` : 'no production'];
  if (state.candidate) parts.push(`candidate ${state.candidate.model_version} at ${formatPercent(state.candidate.percent)}`);
  if (state.shadow) parts.push(`shadow ${state.shadow.model_version}`);
  if (state.pinned) parts.push(`pinned to ${state.pinned}`);
  if (state.kill_switch) parts.push('kill switch on');
  return parts.join(', ');
}

/** 0% is shadow only: predictions are recorded, never used. */
export function formatPercent(percent: number): string {
  return percent === 0 ? '0% (shadow)' : `${percent}%`;
}
