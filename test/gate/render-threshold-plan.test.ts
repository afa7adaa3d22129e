import { describe, expect, it } from 'vitest';
import type { GateThresholds } from '../../src/gate/decide-gate.js';
import type { GateMeasurements } from '../../src/gate/gate-measurements.js';
import { renderThresholdPlan, type ThresholdPlanView } from '../../src/gate/render-threshold-plan.js';
import { replayDecisions, type RecordedDecision, type ReplayedDecision } from '../../src/gate/replay-decisions.js';
import { COMMENT_LIMIT } from '../../src/forge/split-comment.js';
import { SHIPPED } from './recorded-gates.js';

const current: GateThresholds = SHIPPED;
const stricter: GateThresholds = { ...current, min_class_f1: 0.8 };

function record(model: string, version: string, square: number): RecordedDecision {
  const candidate: GateMeasurements = { macro_f1: 0.9, class_f1: { circle: 0.93, square }, ap50: 0.8, region_ap: { circle: 0.7 }, ece: 0.03, bias_delta: 0.02 };
  return { model, model_version: version, decision: 'approve', candidate, baseline: null };
}

function view(replayed: ReplayedDecision[], patch: Partial<ThresholdPlanView> = {}): ThresholdPlanView {
  return {
    gating: { file: 'thresholds/gating.yaml', changes: [{ key: 'min_class_f1', before: 0.7, after: 0.8 }] },
    rollout: { file: 'thresholds/rollout.yaml', changes: [], moves: [] },
    replayed,
    unreplayable: [],
    ...patch,
  };
}

describe('the threshold plan comment', () => {
  it('lists the decisions that would flip with the rule, value, thresholds and margin, the rest collapsed', () => {
    const replayed = replayDecisions([record('shapes', '1.0.0', 0.91), record('shapes', '1.1.0', 0.785), record('digits', '2.0.0', 0.72)], current, stricter);
    const plan = renderThresholdPlan(view(replayed));

    expect(plan.flipped).toBe(2);
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]!.body).toMatchInlineSnapshot(`
      "<!-- cairn:threshold-plan -->
      ### Threshold plan: 2 of 3 recorded gate decisions would change

      - \`thresholds/gating.yaml\`: \`min_class_f1\` 0.7 → 0.8
      - \`thresholds/rollout.yaml\`: unchanged

      | model | version | decision now → with this change | what changed |
      | --- | --- | --- | --- |
      | shapes | 1.1.0 | approve → **require_manual_review** | \`class_f1:square\` 0.7850 vs 0.7 → 0.8: pass → review, margin −0.0150 |
      | digits | 2.0.0 | approve → **reject** | \`class_f1:square\` 0.7200 vs 0.7 → 0.8: pass → fail, margin −0.0800 |

      <details><summary>1 decision that would not change</summary>

      | model | version | decision | recorded by the gate |
      | --- | --- | --- | --- |
      | shapes | 1.0.0 | approve | approve |

      </details>
      "
    `);
  });

  it('splits a long plan into parts under GitHub’s comment limit, each with its table header', () => {
    const records = Array.from({ length: 3000 }, (_, i) => record(`model-${i % 7}`, `1.${i}.0`, i % 2 === 0 ? 0.75 : 0.95));
    const plan = renderThresholdPlan(view(replayDecisions(records, current, stricter)));

    expect(plan.flipped).toBe(1500);
    expect(plan.parts.length).toBeGreaterThan(1);
    for (const [index, part] of plan.parts.entries()) {
      expect(part.body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      expect(part.body.startsWith(part.marker)).toBe(true);
      expect(part.marker).toBe(index === 0 ? '<!-- cairn:threshold-plan -->' : `<!-- cairn:threshold-plan:${index + 1} -->`);
      expect(part.body).toMatch(/\| model \| version \|/);
    }
    const rows = plan.parts.flatMap((part) => part.body.split('\n').filter((line) => /^\| model-\d/.test(line)));
    expect(rows).toHaveLength(3000);
    expect(plan.parts.filter((part) => part.body.includes('<details>')).every((part) => part.body.includes('</details>'))).toBe(true);
  });
});
