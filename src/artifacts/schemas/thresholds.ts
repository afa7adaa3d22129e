import { Type, type Static } from '@sinclair/typebox';
import { Probability, SchemaTag, Strict } from './common.js';

const NonNegative = Type.Number({ minimum: 0 });
const Percent = Type.Union([Type.Literal(5), Type.Literal(25), Type.Literal(100)]);

/** `thresholds/validation.yaml`: what a dataset version must meet before training. */
export const ValidationThresholds = Strict({
  schema: SchemaTag('ValidationThresholds', 1),
  min_samples_per_class: Type.Integer({ minimum: 0 }),
  max_imbalance_ratio: Type.Number({ minimum: 1 }),
  freshness: Strict({ warn_after_days: NonNegative, error_after_days: NonNegative }),
  leakage_cutoff: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  min_region_size: Probability,
  max_missing_images: Type.Optional(
    Type.Integer({ minimum: 0, default: 0, description: 'items whose image could not be fetched at ingestion that a version may hold' }),
  ),
  max_image_pixels: Type.Optional(
    Type.Integer({ minimum: 1, default: 50_000_000, description: 'width × height above which an image is refused (what training and serving decode)' }),
  ),
});
export type ValidationThresholds = Static<typeof ValidationThresholds>;

/** Values of the optional validation thresholds when a file (written before they existed) leaves them out. */
export const VALIDATION_DEFAULTS = { max_missing_images: 0, max_image_pixels: 50_000_000 } as const;

/** `thresholds/gating.yaml`: approve, reject or require a review. */
export const GatingThresholds = Strict({
  schema: SchemaTag('GatingThresholds', 1),
  min_macro_f1: Probability,
  min_class_f1: Probability,
  min_ap50: Probability,
  max_regression: Strict({ macro_f1: Probability, ap50: Probability }, 'largest drop against production'),
  max_bias_delta: Probability,
  max_ece: Probability,
  manual_review_margin: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'a metric within this margin below its threshold asks for review instead of rejecting',
  }),
});
export type GatingThresholds = Static<typeof GatingThresholds>;

/** When a candidate may move to its next stage (every format of `thresholds/rollout.yaml`). */
export const RolloutAdvance = Strict({
  min_requests: Type.Integer({ minimum: 0 }),
  min_hours_at_stage: NonNegative,
  max_error_rate: Probability,
  max_low_confidence_rate: Probability,
  max_correction_rate: Probability,
});

/** What rolls a candidate back (every format of `thresholds/rollout.yaml`). */
export const RolloutRollback = Strict({
  error_rate_above: Probability,
  low_confidence_rate_above: Probability,
  correction_rate_above: Probability,
  psi_above: NonNegative,
});

/** `thresholds/rollout.yaml`: when to advance 5% → 25% → 100% and when to roll back. */
export const RolloutThresholds = Strict({
  schema: SchemaTag('RolloutThresholds', 1),
  stages: Type.Array(Percent, { minItems: 1 }),
  advance: RolloutAdvance,
  rollback: RolloutRollback,
});
export type RolloutThresholds = Static<typeof RolloutThresholds>;

/** `thresholds/serving.yaml`: confidence thresholds and the switches of the deployer. */
export const ServingThresholds = Strict({
  schema: SchemaTag('ServingThresholds', 1),
  min_confidence: Probability,
  per_class_min_confidence: Type.Record(Type.String(), Probability),
  min_region_score: Probability,
  shadow: Type.Boolean(),
  kill_switch: Type.Boolean(),
  reload_interval_seconds: Type.Number({ exclusiveMinimum: 0 }),
});
export type ServingThresholds = Static<typeof ServingThresholds>;

/** `thresholds/feedback.yaml`: which uploads go back to Label Studio. */
export const FeedbackThresholds = Strict({
  schema: SchemaTag('FeedbackThresholds', 1),
  low_confidence_below: Probability,
  disagreement_above: Probability,
  max_tasks_per_run: Type.Integer({ minimum: 0 }),
});
export type FeedbackThresholds = Static<typeof FeedbackThresholds>;

/** `thresholds/observability.yaml`: alert rules and dashboard, generated from these values. */
export const ObservabilityThresholds = Strict({
  schema: SchemaTag('ObservabilityThresholds', 1),
  psi_warn: NonNegative,
  psi_alert: NonNegative,
  correction_rate_alert: Probability,
  low_confidence_rate_alert: Probability,
  error_rate_alert: Probability,
  latency_p95_ms_alert: NonNegative,
  evaluation_window: Type.String({ pattern: '^[0-9]+[smhd]$' }),
});
export type ObservabilityThresholds = Static<typeof ObservabilityThresholds>;
