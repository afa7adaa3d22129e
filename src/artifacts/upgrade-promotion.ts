import type { ArtifactOf } from './kinds.js';
import type { GatingThresholds as GatingThresholdsV1, RolloutThresholds as RolloutThresholdsV1 } from './schemas/thresholds.js';
import type { RolloutState as RolloutStateV1 } from './schemas/decision.js';
import type { GatingThresholdsV2, RolloutStateV2, RolloutThresholdsV2 } from './schemas/promotion.js';

/**
 * Format 1 of the rollout state and of the gating and rollout thresholds, read as format 2 so the
 * rest of cairn handles one shape. The result is a view for reading: it keeps the original's
 * checksum and is never written back; a change is always written in format 2.
 */

/** Format 1 had the fixed stages 5 → 25 → 100 and recorded neither the previous production nor the last action. */
export function upgradeRolloutState(state: ArtifactOf<'RolloutState'>): RolloutStateV2 {
  if (state.schema === 'RolloutState/v2') return state as RolloutStateV2;
  const v1 = state as RolloutStateV1;
  const candidate = v1.candidate;
  return {
    schema: 'RolloutState/v2',
    model: v1.model,
    production: v1.production ? { ...v1.production, gate: null, approval: null, since: v1.updated_at } : null,
    previous: null,
    candidate: candidate
      ? { ...candidate, stages: [5, 25, 100], approval: candidate.approval ? { ...candidate.approval, commit: null } : null, since: v1.updated_at }
      : null,
    shadow: v1.shadow,
    kill_switch: v1.kill_switch,
    pinned: v1.pinned,
    action: 'init',
    reason: v1.reason,
    updated_at: v1.updated_at,
    checksum: v1.checksum,
  };
}

/** Format 1 had no per-class regression limits (off) and always rejected a regression. */
export function upgradeGatingThresholds(thresholds: ArtifactOf<'GatingThresholds'>): GatingThresholdsV2 {
  if (thresholds.schema === 'GatingThresholds/v2') return thresholds as GatingThresholdsV2;
  const { schema: _schema, max_regression, ...rest } = thresholds as GatingThresholdsV1;
  return { schema: 'GatingThresholds/v2', ...rest, max_regression: { macro_f1: max_regression.macro_f1, ap50: max_regression.ap50, class_f1: null, region_class_ap: null }, reject_on_regression: true };
}

/** Format 1's stages were a subset of 5, 25 and 100: format 2 reads them as they are. */
export function upgradeRolloutThresholds(thresholds: ArtifactOf<'RolloutThresholds'>): RolloutThresholdsV2 {
  if (thresholds.schema === 'RolloutThresholds/v2') return thresholds as RolloutThresholdsV2;
  const v1 = thresholds as RolloutThresholdsV1;
  return { ...v1, schema: 'RolloutThresholds/v2', stages: [...v1.stages] };
}
