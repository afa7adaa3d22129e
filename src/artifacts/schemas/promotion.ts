import { Type, type Static } from '@sinclair/typebox';
import { FileRef, Name, Nullable, Probability, SchemaTag, SelfChecksum, SemVer, Strict, Timestamp } from './common.js';
import { Decision } from './decision.js';
import { RolloutAdvance, RolloutRollback } from './thresholds.js';

/**
 * Format 2 of the gate, rollout and their thresholds. Format 1 files are still read: each is
 * upgraded on read (see `upgrade-artifacts.ts`), so the rest of cairn sees only format 2.
 */

/** A stage's share of uploads, in percent; 0 is shadow only (computed and recorded, never used). */
const StagePercent = Type.Integer({ minimum: 0, maximum: 100 });

/** `thresholds/gating.yaml`, format 2: per-class regressions and reject_on_regression. */
export const GatingThresholdsV2 = Strict({
  schema: SchemaTag('GatingThresholds', 2),
  min_macro_f1: Probability,
  min_class_f1: Probability,
  min_ap50: Probability,
  max_regression: Strict(
    {
      macro_f1: Probability,
      class_f1: Nullable(Probability),
      ap50: Probability,
      region_class_ap: Nullable(Probability),
    },
    'largest drop against production on the same test split; null switches a per-class rule off',
  ),
  reject_on_regression: Type.Boolean({ description: 'a regression past its limit rejects; false asks for a review instead' }),
  max_bias_delta: Probability,
  max_ece: Probability,
  manual_review_margin: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'a value this close on the wrong side of its threshold asks for a review instead of failing',
  }),
});
export type GatingThresholdsV2 = Static<typeof GatingThresholdsV2>;

/** `thresholds/rollout.yaml`, format 2: any increasing stages ending at 100, 0 for shadow only. */
export const RolloutThresholdsV2 = Strict({
  schema: SchemaTag('RolloutThresholds', 2),
  stages: Type.Array(StagePercent, { minItems: 1, description: 'strictly increasing, ending at 100; 0 is shadow only' }),
  advance: RolloutAdvance,
  rollback: RolloutRollback,
});
export type RolloutThresholdsV2 = Static<typeof RolloutThresholdsV2>;

const Measurements = Strict({
  macro_f1: Nullable(Probability),
  class_f1: Type.Record(Type.String(), Probability),
  ap50: Nullable(Probability),
  region_ap: Type.Record(Type.String(), Probability),
  ece: Nullable(Type.Number({ minimum: 0 })),
  bias_delta: Nullable(Type.Number({ minimum: 0 })),
});

const Rule = Strict({
  rule: Type.String(),
  metric: Type.String(),
  value: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
  comparator: Type.Union([Type.Literal('>='), Type.Literal('<=')]),
  outcome: Type.Union([Type.Literal('pass'), Type.Literal('review'), Type.Literal('fail'), Type.Literal('skipped')]),
  note: Nullable(Type.String()),
});

/** `registry/<model>/<model_version>/gate.json`, format 2: replayable under other thresholds. */
export const GateDecisionV2 = Strict(
  {
    schema: SchemaTag('GateDecision', 2),
    model: Name,
    model_version: SemVer,
    candidate: Strict({ manifest: FileRef, metrics: FileRef, measurements: Measurements }),
    /** Production when the gate ran, measured on the candidate's test split with its own calibration. */
    baseline: Nullable(
      Strict({
        model_version: SemVer,
        manifest: FileRef,
        comparable: Type.Boolean({ description: 'false when production has another taxonomy' }),
        measurements: Measurements,
      }),
    ),
    test_split: Strict({ dataset: Name, dataset_version: Name, manifest: FileRef, items: Type.Integer({ minimum: 0 }) }),
    thresholds: FileRef,
    decision: Decision,
    rules: Type.Array(Rule),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'The gate: whether a candidate may roll out, rule by rule, with what it measured',
);
export type GateDecisionV2 = Static<typeof GateDecisionV2>;

const Approval = Strict({
  by: Type.String({ minLength: 1, description: 'the reviewer, never the pull request author or a bot' }),
  at: Timestamp,
  pull_request: Nullable(Type.Integer({ minimum: 1 })),
  commit: Nullable(Type.String({ pattern: '^[0-9a-f]{40}$', description: 'the head commit the approval was given on' })),
});

const Served = Strict({ model_version: SemVer, manifest: FileRef });

export const RolloutAction = Type.Union(
  ['init', 'start', 'advance', 'promote', 'abort', 'kill-switch-on', 'kill-switch-off', 'pin', 'unpin', 'approve', 'rollback'].map((action) => Type.Literal(action)),
);
export type RolloutAction = Static<typeof RolloutAction>;

/** `registry/<model>/rollout.json`, format 2: what is served. The only mutable file. */
export const RolloutStateV2 = Strict(
  {
    schema: SchemaTag('RolloutState', 2),
    model: Name,
    production: Nullable(Strict({ model_version: SemVer, manifest: FileRef, gate: Nullable(FileRef), approval: Nullable(Approval), since: Timestamp })),
    /** The production before the last promotion: what an emergency rollback restores. */
    previous: Nullable(Served),
    candidate: Nullable(
      Strict({
        model_version: SemVer,
        manifest: FileRef,
        gate: FileRef,
        /** The stages of thresholds/rollout.yaml when the rollout started. */
        stages: Type.Array(StagePercent, { minItems: 1 }),
        percent: StagePercent,
        approval: Nullable(Approval),
        since: Timestamp,
      }),
    ),
    shadow: Nullable(Served),
    kill_switch: Type.Boolean({ description: 'observe only: predictions are computed and recorded, never used' }),
    pinned: Nullable(SemVer),
    action: RolloutAction,
    reason: Type.String(),
    updated_at: Timestamp,
    checksum: SelfChecksum,
  },
  'Which model versions serve, at which share, and why it last changed',
);
export type RolloutStateV2 = Static<typeof RolloutStateV2>;
