import type { TrainingMetrics } from '../artifacts/schemas/model.js';

/**
 * What the gate's rules read of one model's evaluation on a test split. Recorded in every gate
 * decision, so a decision can be replayed under other thresholds without running a model again.
 * A null means the model has nothing to measure there (no image classes, no region classes, no
 * calibration, no bias field), and the rules that need it are skipped, saying why.
 */
export interface GateMeasurements {
  macro_f1: number | null;
  /** F1 per image class. */
  class_f1: Record<string, number>;
  ap50: number | null;
  /** COCO AP per region class; classes without ground truth in the split are left out. */
  region_ap: Record<string, number>;
  /** Expected calibration error after calibration (before it, for an uncalibrated model). */
  ece: number | null;
  /** Largest macro-F1 gap between subgroups of the bias field. */
  bias_delta: number | null;
}

/** The measurements in a metrics artifact (cairn's own evaluation, never a trainer's). */
export function measurementsOf(metrics: Pick<TrainingMetrics, 'classification' | 'detection' | 'calibration' | 'bias'>): GateMeasurements {
  const classes = Object.entries(metrics.classification.per_class);
  const regions = Object.entries(metrics.detection?.per_class_ap ?? {}).filter(([, ap]) => ap >= 0);
  return {
    macro_f1: classes.length > 0 ? metrics.classification.macro_f1 : null,
    class_f1: Object.fromEntries(classes.map(([name, scores]) => [name, scores.f1])),
    ap50: metrics.detection && regions.length > 0 ? metrics.detection.ap50 : null,
    region_ap: Object.fromEntries(regions),
    ece: metrics.calibration ? metrics.calibration.ece_after : null,
    bias_delta: metrics.bias ? metrics.bias.max_delta : null,
  };
}
