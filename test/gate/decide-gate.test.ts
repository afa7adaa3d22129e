import { describe, expect, it } from 'vitest';
import { decideGate, type GateThresholds } from '../../src/gate/decide-gate.js';
import type { GateMeasurements } from '../../src/gate/gate-measurements.js';
import { SHIPPED } from './recorded-gates.js';

const thresholds: GateThresholds = SHIPPED;

function measured(patch: Partial<GateMeasurements> = {}): GateMeasurements {
  return {
    macro_f1: 0.9,
    class_f1: { circle: 0.92, square: 0.88 },
    ap50: 0.8,
    region_ap: { circle: 0.6, square: 0.5 },
    ece: 0.03,
    bias_delta: 0.04,
    ...patch,
  };
}

const production = (patch: Partial<GateMeasurements> = {}) => ({ measurements: measured(patch), comparable: true, model_version: '1.0.0' });
const outcomes = (verdict: ReturnType<typeof decideGate>) => Object.fromEntries(verdict.rules.map((rule) => [rule.metric, rule.outcome]));

describe('the gate decides rule by rule', () => {
  it('approves a first model on absolute thresholds alone, saying why the regressions were skipped', () => {
    const verdict = decideGate(measured(), null, thresholds);
    expect(verdict.decision).toBe('approve');
    expect(verdict.rules.filter((rule) => rule.rule.startsWith('max_regression'))).toEqual([
      expect.objectContaining({ metric: 'macro_f1_drop', outcome: 'skipped', note: 'no production model: judged on absolute thresholds alone' }),
      expect.objectContaining({ metric: 'ap50_drop', outcome: 'skipped' }),
    ]);
  });

  it('turns a near miss into a manual review and a clear miss into a rejection', () => {
    const near = decideGate(measured({ macro_f1: 0.84 }), null, thresholds);
    expect(near.decision).toBe('require_manual_review');
    expect(near.rules.find((rule) => rule.metric === 'macro_f1')).toEqual({
      rule: 'min_macro_f1', metric: 'macro_f1', value: 0.84, threshold: 0.85, comparator: '>=', outcome: 'review', note: 'within the review margin of 0.02',
    });
    expect(decideGate(measured({ macro_f1: 0.8 }), null, thresholds).decision).toBe('reject');
    expect(decideGate(measured({ ece: 0.115 }), null, thresholds).decision).toBe('require_manual_review');
    expect(decideGate(measured({ ece: 0.2 }), null, thresholds).decision).toBe('reject');
  });

  it('judges one class at a time, for the minimum and for the regression against production', () => {
    const weakSquare = decideGate(measured({ class_f1: { circle: 0.92, square: 0.6 } }), production(), thresholds);
    expect(outcomes(weakSquare)).toMatchObject({ 'class_f1:square': 'fail', 'class_f1:circle': 'pass', 'class_f1_drop:square': 'fail', 'class_f1_drop:circle': 'pass' });
    expect(weakSquare.decision).toBe('reject');

    // The macro average barely moves while one class drops by 0.10.
    const oneClassDrops = decideGate(measured({ class_f1: { circle: 0.92, square: 0.78 } }), production(), thresholds);
    expect(outcomes(oneClassDrops)['class_f1_drop:square']).toBe('fail');
    expect(oneClassDrops.rules.find((rule) => rule.metric === 'class_f1_drop:square')?.value).toBeCloseTo(0.1, 12);
  });

  it('asks for a review instead of rejecting a regression when reject_on_regression is off', () => {
    const verdict = decideGate(measured({ region_ap: { circle: 0.6, square: 0.3 } }), production(), { ...thresholds, reject_on_regression: false });
    expect(outcomes(verdict)['region_ap_drop:square']).toBe('review');
    expect(verdict.decision).toBe('require_manual_review');
  });

  it('skips what a classification-only or regions-only model does not have, and says so', () => {
    const classificationOnly = decideGate(measured({ ap50: null, region_ap: {} }), production({ ap50: null, region_ap: {} }), thresholds);
    expect(classificationOnly.decision).toBe('approve');
    expect(classificationOnly.rules.find((rule) => rule.metric === 'ap50')).toMatchObject({ outcome: 'skipped', note: 'no region classes with ground truth: a classification-only model' });

    const regionsOnly = decideGate(measured({ macro_f1: null, class_f1: {} }), production({ macro_f1: null, class_f1: {} }), thresholds);
    expect(regionsOnly.decision).toBe('approve');
    expect(outcomes(regionsOnly)).toMatchObject({ macro_f1: 'skipped', class_f1: 'skipped', macro_f1_drop: 'skipped' });
  });

  it('asks for a review when production has another taxonomy and cannot be compared class by class', () => {
    const verdict = decideGate(measured(), { ...production(), comparable: false }, thresholds);
    expect(verdict.decision).toBe('require_manual_review');
    expect(verdict.rules.at(-1)).toMatchObject({ rule: 'comparable_baseline', outcome: 'review', note: expect.stringContaining('another taxonomy') });
  });

  it('switches a per-class regression rule off with null', () => {
    const verdict = decideGate(measured({ class_f1: { circle: 0.92, square: 0.7 } }), production(), { ...thresholds, max_regression: { ...thresholds.max_regression, class_f1: null } });
    expect(outcomes(verdict)['class_f1_drop:square']).toBe('skipped');
    expect(verdict.decision).toBe('approve');
  });
});
