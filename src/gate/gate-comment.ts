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
      ? `Compared with production **${baseline.model_version}**, run again with its own calibration on the same test items.`
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
    ...describeDeciders(decision),
    `<details><summary>All ${decision.rules.length} rules</summary>`,
    '',
    ...formatGateRulesMarkdown(decision.rules),
    '',
    '</details>',
    '',
  ].join('\n');
}

/** The rules that decided: those that failed, then those that asked for a review (the first few of each). */
function describeDeciders(decision: GateDecisionV2): string[] {
  const lines: string[] = [];
  for (const outcome of ['fail', 'review'] as const) {
    const rules = decision.rules.filter((rule) => rule.outcome === outcome);
    if (rules.length === 0) continue;
    const shown = rules.slice(0, 5).map((rule) => {
      const value = rule.value === null ? '' : ` ${rule.value.toFixed(4)}, needs ${rule.comparator} ${rule.threshold}`;
      return `\`${rule.metric}\`${value}${rule.note ? ` (${rule.note})` : ''}`;
    });
    const more = rules.length > shown.length ? `, and ${rules.length - shown.length} more` : '';
    lines.push(`- **${rules.length} ${outcome === 'fail' ? 'failed' : rules.length === 1 ? 'asks for a review' : 'ask for a review'}**: ${shown.join('; ')}${more}`);
  }
  return lines.length === 0 ? ['Every rule passed or did not apply.', ''] : [...lines, ''];
}
