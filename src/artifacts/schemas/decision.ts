import { Type, type Static } from '@sinclair/typebox';
import { FileRef, Name, Nullable, SchemaTag, SelfChecksum, SemVer, Strict, Timestamp } from './common.js';

export const Decision = Type.Union([Type.Literal('approve'), Type.Literal('reject'), Type.Literal('require_manual_review')]);
export type Decision = Static<typeof Decision>;

const Reason = Strict({
  rule: Type.String(),
  metric: Type.String(),
  value: Nullable(Type.Number()),
  threshold: Type.Number(),
  comparator: Type.Union([Type.Literal('>='), Type.Literal('<='), Type.Literal('>'), Type.Literal('<')]),
  outcome: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('review')]),
});

/** `registry/<model>/<model_version>/gate.json` */
export const GateDecision = Strict(
  {
    schema: SchemaTag('GateDecision', 1),
    model: Name,
    model_version: SemVer,
    candidate: Strict({ manifest: FileRef, metrics: FileRef }),
    baseline: Nullable(Strict({ model_version: SemVer, metrics: FileRef })),
    thresholds: FileRef,
    decision: Decision,
    reasons: Type.Array(Reason),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'The gate: whether a candidate may roll out, rule by rule',
);
export type GateDecision = Static<typeof GateDecision>;

const Deployed = Strict({ model_version: SemVer, manifest: FileRef });

/** `registry/<model>/rollout.json`: what is served. The only mutable file in the repository. */
export const RolloutState = Strict(
  {
    schema: SchemaTag('RolloutState', 1),
    model: Name,
    production: Nullable(Deployed),
    candidate: Nullable(
      Strict({
        model_version: SemVer,
        manifest: FileRef,
        gate: FileRef,
        percent: Type.Union([Type.Literal(5), Type.Literal(25), Type.Literal(100)]),
        approval: Nullable(Strict({ by: Type.String(), at: Timestamp, pull_request: Nullable(Type.Integer()) })),
      }),
    ),
    shadow: Nullable(Deployed),
    kill_switch: Type.Boolean({ description: 'observe only: predictions are computed and logged, never used' }),
    pinned: Nullable(SemVer),
    updated_at: Timestamp,
    reason: Type.String(),
    checksum: SelfChecksum,
  },
  'Which model versions serve, at which share',
);
export type RolloutState = Static<typeof RolloutState>;

const VersionStats = Strict({
  requests: Type.Integer({ minimum: 0 }),
  errors: Type.Integer({ minimum: 0 }),
  low_confidence: Type.Integer({ minimum: 0 }),
  corrections: Type.Integer({ minimum: 0 }),
  latency_p95_ms: Nullable(Type.Number({ minimum: 0 })),
  class_frequency: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
});

/** `registry/<model>/monitoring/<timestamp>.json`: append-only. */
export const MonitoringSnapshot = Strict(
  {
    schema: SchemaTag('MonitoringSnapshot', 1),
    model: Name,
    window: Strict({ start: Timestamp, end: Timestamp }),
    versions: Type.Record(Type.String(), VersionStats),
    drift: Strict({ psi_confidence: Nullable(Type.Number()), psi_class_frequency: Nullable(Type.Number()) }),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'Serving metrics for a window, per model version, with drift against the training baseline',
);
export type MonitoringSnapshot = Static<typeof MonitoringSnapshot>;

/** `registry/<model>/feedback/<timestamp>.json`: append-only. */
export const FeedbackCandidates = Strict(
  {
    schema: SchemaTag('FeedbackCandidates', 1),
    model: Name,
    model_version: SemVer,
    candidates: Type.Array(
      Strict({
        upload_id: Type.String(),
        image: Type.String(),
        reason: Type.Union([Type.Literal('low_confidence'), Type.Literal('disagreement')]),
        confidence: Type.Number({ minimum: 0, maximum: 1 }),
        predictions: Type.Array(Strict({ label: Name, score: Type.Number({ minimum: 0, maximum: 1 }) })),
      }),
    ),
    label_studio: Nullable(Strict({ project: Type.String(), task_ids: Type.Array(Type.Integer()) })),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'Uploads sent back to Label Studio for human labels',
);
export type FeedbackCandidates = Static<typeof FeedbackCandidates>;
