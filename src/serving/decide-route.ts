import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import type { FallbackReason, UploadRecord } from './upload-record.js';
import { RouteHasher } from './route-hash.js';

/** Where one unit's upload goes under a rollout state. */
export interface RouteDecision {
  /** The unit's bucket in [0, 10,000). */
  bucket: number;
  role: UploadRecord['role'];
  /** The version to run for the unit, or null when none serves it. */
  version: string | null;
  /** A version run on the same tensor and recorded, never used; null when none. */
  shadow: string | null;
  /** Why the output will not be used whatever it says: `not_in_canary`, `observe_only`, `unavailable`; null otherwise. */
  reason: FallbackReason | null;
}

export interface RouteOverrides {
  /** `thresholds/serving.yaml` `kill_switch`: observe only, whatever the rollout state says. */
  killSwitch?: boolean;
  /** `thresholds/serving.yaml` `shadow`: run the candidate beside production for the units production serves. */
  shadowCandidate?: boolean;
}

const hashers = new Map<string, RouteHasher>();

/** The bucket of `unitId` under `model`'s salt (docs/route-hash.md). */
export function routeBucket(model: string, unitId: string): number {
  let hasher = hashers.get(model);
  if (!hasher) {
    // Models are few; the bound only guards against a caller that makes up model names.
    if (hashers.size >= 1024) hashers.clear();
    hasher = new RouteHasher(model);
    hashers.set(model, hasher);
  }
  return hasher.bucketOf(unitId);
}

/**
 * Routes a unit, sticky and monotone: a candidate at p% serves buckets [0, p × 100), so a unit in
 * it at 5% stays in it at 25% and 100%. In order:
 *
 * - `pinned` serves every unit;
 * - a candidate at a stage above 0 serves its buckets; the rest go to production, or, with no
 *   production, to nothing (`not_in_canary`: the candidate is not run for them);
 * - a stage-0 candidate, or `shadow`, runs as a shadow beside whatever serves (`shadow` first);
 * - with no version at all, `unavailable`;
 * - the kill switch keeps all of the above but marks the output observe only (`observe_only`).
 */
export function decideRoute(state: RolloutStateV2, unitId: string, overrides: RouteOverrides = {}): RouteDecision {
  const bucket = routeBucket(state.model, unitId);
  const candidate = state.candidate;
  const production = state.production?.model_version ?? null;
  let role: RouteDecision['role'];
  let version: string | null;
  let reason: FallbackReason | null = null;
  if (state.pinned !== null) {
    role = 'pinned';
    version = state.pinned;
  } else if (candidate && candidate.percent > 0 && bucket < candidate.percent * 100) {
    role = 'candidate';
    version = candidate.model_version;
  } else if (production !== null) {
    role = 'production';
    version = production;
  } else {
    role = 'none';
    version = null;
    reason = candidate && candidate.percent > 0 ? 'not_in_canary' : 'unavailable';
  }
  let shadow = state.shadow?.model_version ?? (candidate && candidate.percent === 0 ? candidate.model_version : null);
  if (shadow === null && overrides.shadowCandidate && candidate && role === 'production') shadow = candidate.model_version;
  if (shadow === version) shadow = null;
  if (reason === null && (state.kill_switch || overrides.killSwitch)) reason = 'observe_only';
  return { bucket, role, version, shadow, reason };
}
