import type { RolloutAction, RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { PolicyError, UsageError } from '../errors.js';

type FileRef = { path: string; sha256: string };
type Approval = NonNullable<NonNullable<RolloutStateV2['candidate']>['approval']>;
type Body = Omit<RolloutStateV2, 'schema' | 'checksum'>;

/** A gated model version that may start a rollout. */
export interface RolloutCandidate {
  model_version: string;
  manifest: FileRef;
  gate: FileRef;
  decision: 'approve' | 'require_manual_review' | 'reject';
}

export type RolloutChange =
  | { action: 'start'; candidate: RolloutCandidate; stages: number[]; approval?: Approval | null }
  | { action: 'advance' }
  | { action: 'promote' }
  | { action: 'abort' }
  | { action: 'kill-switch-on' }
  | { action: 'kill-switch-off' }
  | { action: 'pin'; version: string }
  | { action: 'unpin' }
  | { action: 'approve'; approval: Approval };

/**
 * The next rollout state, from the current one (null before the first rollout) and one change.
 * Pure: the caller reads the state, commits what this returns, and on a lost push race calls it
 * again on the newer state, so a change is always applied to the newest state. Refuses, naming
 * the rule, what `cairn verify` would refuse: a rejected candidate, a review without approval, a
 * skipped stage, a promotion before the last stage, a pin of a version that never served.
 */
export function planRolloutChange(model: string, state: RolloutStateV2 | null, change: RolloutChange, context: { reason: string; now: Date }): Body {
  const current: Body = state ? strip(state) : { model, production: null, previous: null, candidate: null, shadow: null, kill_switch: false, pinned: null, action: 'init', reason: '', updated_at: '' };
  const next = apply(current, change, context.now);
  return { ...next, action: change.action as RolloutAction, reason: context.reason, updated_at: context.now.toISOString() };
}

function apply(state: Body, change: RolloutChange, now: Date): Body {
  const at = now.toISOString();
  const candidate = state.candidate;
  switch (change.action) {
    case 'start': {
      if (candidate) refuse('one-candidate', `${state.model} ${candidate.model_version} is still rolling out at ${candidate.percent}%; promote or abort it first`);
      const { candidate: next, stages } = change;
      if (next.decision === 'reject') refuse('rejected', `${state.model} ${next.model_version} was rejected by its gate and can never serve`);
      // A candidate that needs a review starts without one: its promotion pull request waits on
      // the cairn/gate check, and the approval is recorded on that branch before it merges.
      if (state.production?.model_version === next.model_version) refuse('already-production', `${state.model} ${next.model_version} is already in production`);
      assertStages(stages);
      return { ...state, candidate: { model_version: next.model_version, manifest: next.manifest, gate: next.gate, stages, percent: stages[0]!, approval: change.approval ?? null, since: at } };
    }
    case 'advance': {
      const live = requireCandidate(state, 'advance');
      const index = live.stages.indexOf(live.percent);
      if (index === live.stages.length - 1) refuse('last-stage', `${state.model} ${live.model_version} is at its last stage (${live.percent}%); promote it to production`);
      return { ...state, candidate: { ...live, percent: live.stages[index + 1]!, since: at } };
    }
    case 'promote': {
      const live = requireCandidate(state, 'promote');
      const last = live.stages[live.stages.length - 1]!;
      if (live.percent !== last) refuse('skipped-stage', `${state.model} ${live.model_version} is at ${live.percent}%; advance it through ${live.stages.filter((p) => p > live.percent).join(' → ')}% before promoting`);
      const previous = state.production ? { model_version: state.production.model_version, manifest: state.production.manifest } : state.previous;
      const production = { model_version: live.model_version, manifest: live.manifest, gate: live.gate, approval: live.approval, since: at };
      return { ...state, production, previous, candidate: null, pinned: state.pinned === live.model_version ? null : state.pinned };
    }
    case 'abort':
      requireCandidate(state, 'abort');
      return { ...state, candidate: null };
    case 'kill-switch-on':
      if (state.kill_switch) refuse('no-change', `the kill switch of ${state.model} is already on`);
      return { ...state, kill_switch: true };
    case 'kill-switch-off':
      if (!state.kill_switch) refuse('no-change', `the kill switch of ${state.model} is already off`);
      return { ...state, kill_switch: false };
    case 'pin': {
      const known = [state.production?.model_version, state.previous?.model_version, candidate?.model_version].filter(Boolean);
      if (!known.includes(change.version)) {
        refuse('pin-unknown', `${state.model} ${change.version} is neither production, the previous production nor the candidate; pin one of ${known.join(', ') || 'none'}`);
      }
      return { ...state, pinned: change.version };
    }
    case 'unpin':
      if (state.pinned === null) refuse('no-change', `${state.model} has no pinned version`);
      return { ...state, pinned: null };
    case 'approve': {
      const live = requireCandidate(state, 'approve');
      return { ...state, candidate: { ...live, approval: change.approval } };
    }
  }
}

/** Stages strictly increase and end at 100; 0 (shadow only) may only come first. */
export function assertStages(stages: readonly number[]): void {
  const ok = stages.length > 0 && stages.at(-1) === 100 && stages.every((p, i) => Number.isInteger(p) && p >= 0 && p <= 100 && (i === 0 || p > stages[i - 1]!));
  if (!ok) throw new UsageError(`rollout stages must increase strictly and end at 100 (0 for shadow only), not [${stages.join(', ')}]`, { stages: [...stages] });
}

function requireCandidate(state: Body, action: string): NonNullable<Body['candidate']> {
  if (!state.candidate) refuse('no-candidate', `${state.model} has no candidate rolling out; nothing to ${action}`);
  return state.candidate;
}

function refuse(rule: string, message: string): never {
  throw new PolicyError(message, { rule });
}

function strip(state: RolloutStateV2): Body {
  const { schema: _schema, checksum: _checksum, ...body } = state;
  return body;
}
