import type { Decision } from '../artifacts/schemas/decision.js';
import type { GateDecisionV2 } from '../artifacts/schemas/promotion.js';
import { commentMarker } from '../forge/port.js';
import { formatGateRulesMarkdown } from './format-gate-rules.js';

/** The marker of the gate's one comment on a model pull request. */
export const GATE_COMMENT_MARKER = commentMarker('gate');

/** What each decision means for the model, in the words of the comment, the status and the CLI. */
export const DECISION_MEANING: Record<Decision, string> = {
  approve: 'approved: may roll out',
  require_manual_review: 'manual review: a review will be required on the promotion PR',
  reject: 'rejected: recorded, will not roll out',
};

/** The gate's comment on a model pull request (and its job summary): decision, baseline, every rule. */
export function buildGateComment(decision: GateDecisionV2): string {
  const { baseline, test_split: split } = decision;
  const compared = !baseline
    ? 'No model is in production: judged on the absolute thresholds alone.'
    : baseline.comparable
      ? `Compared with production **${baseline.model_version}**, run again with its own calibration on the same ${split.items} test items.`
      : `Production **${baseline.model_version}** has another taxonomy: its classes cannot be compared one by one, so a person must review.`;
  const next: Record<Decision, string> = {
    approve: 'Merging records the model and its decision; its rollout starts with a promotion pull request.',
    require_manual_review: 'Merging records the model and its decision; the promotion pull request will wait for an approving review by someone other than its author.',
    reject: 'Merging records the model and its decision for audit; nothing will roll it out.',
  };
  return [
    GATE_COMMENT_MARKER,
    `### Gate: ${decision.model} ${decision.model_version} — **${decision.decision}**`,
    '',
    `${compared} Test split: ${split.dataset} ${split.dataset_version} (${split.items} items). Thresholds: \`${decision.thresholds.path}\` (sha256 \`${decision.thresholds.sha256.slice(0, 12)}\`).`,
    '',
    next[decision.decision],
    '',
    ...formatGateRulesMarkdown(decision.rules),
    '',
  ].join('\n');
}
