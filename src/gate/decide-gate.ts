import type { Decision } from '../artifacts/schemas/decision.js';
import type { GateMeasurements } from './gate-measurements.js';

/** The gate's thresholds as the rules read them (`thresholds/gating.yaml`, any format version). */
export interface GateThresholds {
  min_macro_f1: number;
  min_class_f1: number;
  min_ap50: number;
  /** Largest drop against production on the same test split; null switches a per-class rule off. */
  max_regression: { macro_f1: number; class_f1: number | null; ap50: number; region_class_ap: number | null };
  /** A regression past its limit rejects; false asks for a review instead. */
  reject_on_regression: boolean;
  max_bias_delta: number;
  max_ece: number;
  /** A value this close on the wrong side of its threshold asks for a review instead of failing. */
  manual_review_margin: number;
}

export type RuleOutcome = 'pass' | 'review' | 'fail' | 'skipped';

export interface GateRule {
  /** The threshold's name in gating.yaml, e.g. `min_class_f1` or `max_regression.ap50`. */
  rule: string;
  /** What was measured: `macro_f1`, `class_f1:circle`, `region_ap:square`, `macro_f1_drop`, … */
  metric: string;
  value: number | null;
  threshold: number | null;
  comparator: '>=' | '<=';
  outcome: RuleOutcome;
  /** Why a rule was skipped or asked for a review rather than decided by its numbers. */
  note: string | null;
}

export interface GateBaseline {
  measurements: GateMeasurements;
  /** False when the baseline has another taxonomy: classes cannot be compared one by one. */
  comparable: boolean;
  model_version: string;
}

export interface GateVerdict {
  decision: Decision;
  rules: GateRule[];
}

/**
 * The gate, rule by rule: absolute minimums and maximums on the candidate, then regressions
 * against the baseline (production, measured on the candidate's test split). Pure, so a recorded
 * decision can be replayed under proposed thresholds and give the same answer as the gate would.
 * Any failed rule rejects; otherwise any rule asking for a review sends the candidate to manual
 * review; otherwise it is approved.
 */
export function decideGate(candidate: GateMeasurements, baseline: GateBaseline | null, thresholds: GateThresholds): GateVerdict {
  const rules: GateRule[] = [];
  const margin = thresholds.manual_review_margin;
  const atLeast = (rule: string, metric: string, value: number | null, threshold: number, missing: string) =>
    rules.push(value === null ? skipped(rule, metric, '>=', threshold, missing) : judge(rule, metric, value, '>=', threshold, margin, 'fail'));
  const atMost = (rule: string, metric: string, value: number | null, threshold: number, missing: string) =>
    rules.push(value === null ? skipped(rule, metric, '<=', threshold, missing) : judge(rule, metric, value, '<=', threshold, margin, 'fail'));

  const noClasses = 'no image classes: a regions-only model';
  const noRegions = 'no region classes with ground truth: a classification-only model';
  atLeast('min_macro_f1', 'macro_f1', candidate.macro_f1, thresholds.min_macro_f1, noClasses);
  const classes = Object.entries(candidate.class_f1);
  if (classes.length === 0) atLeast('min_class_f1', 'class_f1', null, thresholds.min_class_f1, noClasses);
  for (const [name, f1] of classes) atLeast('min_class_f1', `class_f1:${name}`, f1, thresholds.min_class_f1, noClasses);
  atLeast('min_ap50', 'ap50', candidate.ap50, thresholds.min_ap50, noRegions);
  atMost('max_ece', 'ece', candidate.ece, thresholds.max_ece, 'the model is not calibrated and its metrics record no ECE');
  atMost('max_bias_delta', 'bias_delta', candidate.bias_delta, thresholds.max_bias_delta, 'no bias field: subgroups were not measured');

  rules.push(...regressionRules(candidate, baseline, thresholds));
  return { decision: decisionOf(rules), rules };
}

function regressionRules(candidate: GateMeasurements, baseline: GateBaseline | null, thresholds: GateThresholds): GateRule[] {
  const limits = thresholds.max_regression;
  const margin = thresholds.manual_review_margin;
  const onFail: RuleOutcome = thresholds.reject_on_regression ? 'fail' : 'review';
  const pairs: Array<[rule: string, metric: string, before: number | null, after: number | null, limit: number | null]> = [
    ['max_regression.macro_f1', 'macro_f1_drop', baseline?.measurements.macro_f1 ?? null, candidate.macro_f1, limits.macro_f1],
    ['max_regression.ap50', 'ap50_drop', baseline?.measurements.ap50 ?? null, candidate.ap50, limits.ap50],
  ];
  if (!baseline) return pairs.map(([rule, metric, , , limit]) => skipped(rule, metric, '<=', limit, 'no production model: judged on absolute thresholds alone'));
  if (!baseline.comparable) {
    const note = `production ${baseline.model_version} has another taxonomy: its classes cannot be compared one by one`;
    return [{ rule: 'comparable_baseline', metric: 'taxonomy', value: null, threshold: null, comparator: '>=', outcome: 'review', note }];
  }
  for (const [name, after] of Object.entries(candidate.class_f1)) {
    pairs.push(['max_regression.class_f1', `class_f1_drop:${name}`, baseline.measurements.class_f1[name] ?? null, after, limits.class_f1]);
  }
  for (const [name, after] of Object.entries(candidate.region_ap)) {
    pairs.push(['max_regression.region_class_ap', `region_ap_drop:${name}`, baseline.measurements.region_ap[name] ?? null, after, limits.region_class_ap]);
  }
  return pairs.map(([rule, metric, before, after, limit]) => {
    if (limit === null) return skipped(rule, metric, '<=', null, 'switched off in gating.yaml');
    if (before === null || after === null) return skipped(rule, metric, '<=', limit, `production ${baseline.model_version} or the candidate has nothing to measure here`);
    return judge(rule, metric, before - after, '<=', limit, margin, onFail);
  });
}

function judge(rule: string, metric: string, value: number, comparator: '>=' | '<=', threshold: number, margin: number, onFail: RuleOutcome): GateRule {
  const passes = comparator === '>=' ? value >= threshold : value <= threshold;
  const nearMiss = comparator === '>=' ? value >= threshold - margin : value <= threshold + margin;
  const outcome: RuleOutcome = passes ? 'pass' : nearMiss ? 'review' : onFail;
  const note = !passes && nearMiss ? `within the review margin of ${margin}` : null;
  return { rule, metric, value, threshold, comparator, outcome, note };
}

function skipped(rule: string, metric: string, comparator: '>=' | '<=', threshold: number | null, note: string): GateRule {
  return { rule, metric, value: null, threshold, comparator, outcome: 'skipped', note };
}

function decisionOf(rules: GateRule[]): Decision {
  if (rules.some((rule) => rule.outcome === 'fail')) return 'reject';
  if (rules.some((rule) => rule.outcome === 'review')) return 'require_manual_review';
  return 'approve';
}
