import type { Decision } from '../artifacts/schemas/decision.js';
import { decideGate, type GateBaseline, type GateRule, type GateThresholds } from './decide-gate.js';
import type { GateMeasurements } from './gate-measurements.js';

/** What a replay needs of a recorded gate decision: its measurements, never a model run. */
export interface RecordedDecision {
  model: string;
  model_version: string;
  /** What the gate decided when it ran. */
  decision: Decision;
  candidate: GateMeasurements;
  baseline: GateBaseline | null;
}

export interface RuleChange {
  rule: string;
  metric: string;
  value: number | null;
  before: { threshold: number | null; outcome: GateRule['outcome'] };
  after: { threshold: number | null; outcome: GateRule['outcome'] };
  /** How far the value sits past the proposed threshold, signed so that positive passes. */
  margin: number | null;
}

export interface ReplayedDecision {
  model: string;
  model_version: string;
  recorded: Decision;
  /** Under the thresholds in force (the base branch). */
  current: Decision;
  /** Under the proposed thresholds (the pull request). */
  proposed: Decision;
  /** Rules whose outcome differs between the two replays. */
  changes: RuleChange[];
}

/**
 * Replays every recorded decision under the thresholds in force and under the proposed ones.
 * A decision "flips" when the two replays disagree: that is what the pull request would change,
 * whatever older thresholds the gate used when it ran (the recorded decision is kept beside).
 */
export function replayDecisions(records: readonly RecordedDecision[], current: GateThresholds, proposed: GateThresholds): ReplayedDecision[] {
  return records.map((record) => {
    const before = decideGate(record.candidate, record.baseline, current);
    const after = decideGate(record.candidate, record.baseline, proposed);
    const changes: RuleChange[] = [];
    const earlier = new Map(before.rules.map((rule) => [`${rule.rule} ${rule.metric}`, rule]));
    for (const rule of after.rules) {
      const old = earlier.get(`${rule.rule} ${rule.metric}`);
      if (old && old.outcome === rule.outcome) continue;
      // A rule switched off records no value; the one it had before is what changed hands.
      const value = rule.value ?? old?.value ?? null;
      changes.push({
        rule: rule.rule,
        metric: rule.metric,
        value,
        before: { threshold: old?.threshold ?? null, outcome: old?.outcome ?? 'skipped' },
        after: { threshold: rule.threshold, outcome: rule.outcome },
        margin: value === null || rule.threshold === null ? null : rule.comparator === '>=' ? value - rule.threshold : rule.threshold - value,
      });
    }
    return { model: record.model, model_version: record.model_version, recorded: record.decision, current: before.decision, proposed: after.decision, changes };
  });
}

export function isFlipped(replayed: ReplayedDecision): boolean {
  return replayed.current !== replayed.proposed;
}
