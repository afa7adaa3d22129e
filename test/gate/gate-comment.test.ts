import { describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../src/artifacts/codec.js';
import type { GateDecisionV2 } from '../../src/artifacts/schemas/promotion.js';
import { formatGateRules } from '../../src/gate/format-gate-rules.js';
import { buildGateComment } from '../../src/gate/gate-comment.js';
import { measured, recordedGate } from './recorded-gates.js';

function decision(...args: Parameters<typeof recordedGate>): GateDecisionV2 {
  const file = recordedGate(...args);
  return decodeArtifact('GateDecision', file.content as string, file.path) as GateDecisionV2;
}

const production = { measurements: measured({ circle: 0.93, square: 0.9 }), comparable: true, model_version: '1.0.0' };

describe('the gate comment on a model pull request', () => {
  it('says what was decided, against what, which rules decided it, and lists every rule', () => {
    const gate = decision('shapes', '1.1.0', measured({ circle: 0.94, square: 0.86 }, { ece: 0.11 }), production);
    expect(buildGateComment(gate)).toMatchInlineSnapshot(`
      "<!-- cairn:gate -->
      ### Gate: shapes 1.1.0 — **require_manual_review**

      Compared with production **1.0.0**, run again with its own calibration on the same test items. Test split: shapes v0001 (100 items). Thresholds: \`thresholds/gating.yaml\` (sha256 \`111111111111\`).

      Merging records the model and its decision; the promotion pull request will wait for an approving review by someone other than its author.

      - **1 asks for a review**: \`ece\` 0.1100, needs <= 0.1 (within the review margin of 0.02)

      <details><summary>All 11 rules</summary>

      | rule | metric | value | threshold | outcome | note |
      | --- | --- | --- | --- | --- | --- |
      | min_macro_f1 | macro_f1 | 0.9000 | >= 0.85 | pass |  |
      | min_class_f1 | class_f1:circle | 0.9400 | >= 0.7 | pass |  |
      | min_class_f1 | class_f1:square | 0.8600 | >= 0.7 | pass |  |
      | min_ap50 | ap50 | 0.8000 | >= 0.5 | pass |  |
      | max_ece | ece | 0.1100 | <= 0.1 | **review** | within the review margin of 0.02 |
      | max_bias_delta | bias_delta | 0.0200 | <= 0.1 | pass |  |
      | max_regression.macro_f1 | macro_f1_drop | 0.0150 | <= 0.02 | pass |  |
      | max_regression.ap50 | ap50_drop | 0.0000 | <= 0.03 | pass |  |
      | max_regression.class_f1 | class_f1_drop:circle | -0.0100 | <= 0.05 | pass |  |
      | max_regression.class_f1 | class_f1_drop:square | 0.0400 | <= 0.05 | pass |  |
      | max_regression.region_class_ap | region_ap_drop:circle | 0.0000 | <= 0.05 | pass |  |

      </details>
      "
    `);
  });

  it('names a production it cannot compare with, and a first model', () => {
    expect(buildGateComment(decision('shapes', '2.0.0', measured({ circle: 0.94, square: 0.9 }), { ...production, comparable: false }))).toContain(
      'Production **1.0.0** has another taxonomy: its classes cannot be compared one by one, so a person must review.',
    );
    expect(buildGateComment(decision('shapes', '1.0.0', measured({ circle: 0.94, square: 0.9 })))).toContain('No model is in production: judged on the absolute thresholds alone.');
  });

  it('prints the rules as an aligned table for the terminal', () => {
    const gate = decision('shapes', '1.1.0', measured({ circle: 0.94, square: 0.86 }), production);
    expect(formatGateRules(gate.rules).slice(0, 3).join('\n')).toMatchInlineSnapshot(`
      "rule                            metric                 value    threshold  outcome  note
      min_macro_f1                    macro_f1               0.9000   >= 0.85    pass
      min_class_f1                    class_f1:circle        0.9400   >= 0.7     pass"
    `);
  });
});
