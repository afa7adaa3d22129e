import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { paths } from '../artifacts/layout.js';
import { StageBranch } from '../forge/stage-branch.js';
import type { RolloutChange } from './plan-rollout-change.js';
import { formatPercent } from './summarize-rollout.js';

export type Decision = 'approve' | 'require_manual_review' | 'reject';

/**
 * `cairn/rollout/<model>/<action>-<version>-<state>`: <state> is the start of the checksum of the
 * rollout state the change applies to, so the same change of the same state always gets the same
 * branch (and a second run finds its pull request) and a later change never reuses a merged one.
 */
export function buildRolloutBranch(model: string, change: RolloutChange, before: RolloutStateV2 | null): StageBranch {
  const version =
    change.action === 'start' ? change.candidate.model_version
    : change.action === 'pin' ? change.version
    : ['advance', 'promote', 'abort', 'approve'].includes(change.action) ? (before?.candidate?.model_version ?? null)
    : null;
  const state = before ? before.checksum.slice(0, 8) : 'first';
  return new StageBranch('rollout', model, [change.action, version, state].filter(Boolean).join('-'));
}

/** The pull request title, also the commit subject. */
export function buildRolloutTitle(model: string, change: RolloutChange, after: Pick<RolloutStateV2, 'candidate' | 'production' | 'pinned'>, before: RolloutStateV2 | null): string {
  const candidate = after.candidate ?? before?.candidate;
  const version = candidate?.model_version ?? '';
  switch (change.action) {
    case 'start':
      return `Roll out ${model} ${version} at ${formatPercent(after.candidate!.percent)}`;
    case 'advance':
      return `Advance ${model} ${version} to ${formatPercent(after.candidate!.percent)}`;
    case 'promote':
      return `Promote ${model} ${after.production!.model_version} to production`;
    case 'abort':
      return `Abort the rollout of ${model} ${before?.candidate?.model_version ?? ''}`.trimEnd();
    case 'kill-switch-on':
      return `Turn the kill switch of ${model} on (observe only)`;
    case 'kill-switch-off':
      return `Turn the kill switch of ${model} off`;
    case 'pin':
      return `Pin ${model} to ${change.version}`;
    case 'unpin':
      return `Unpin ${model} (was ${before?.pinned ?? 'none'})`;
    case 'approve':
      return `Record the approval of ${model} ${version} by ${change.approval.by}`;
  }
}

/** What the reviewer of a rollout pull request needs: why, what changes, what judged the candidate. */
export function buildRolloutBody(model: string, change: RolloutChange, before: RolloutStateV2 | null, after: RolloutStateV2, reason: string, decision: Decision | null): string {
  const row = (name: string, show: (state: RolloutStateV2 | null) => string) => `| ${name} | ${show(before)} | ${show(after)} |`;
  const candidate = after.candidate ?? before?.candidate ?? null;
  const lines = [
    `**Reason:** ${reason || '(none given)'}`,
    '',
    '| | before | after |',
    '| --- | --- | --- |',
    row('production', (s) => s?.production?.model_version ?? '—'),
    row('previous', (s) => s?.previous?.model_version ?? '—'),
    row('candidate', (s) => (s?.candidate ? `${s.candidate.model_version} at ${formatPercent(s.candidate.percent)} of ${s.candidate.stages.join(' → ')}` : '—')),
    row('approval', (s) => (s?.candidate?.approval ? `${s.candidate.approval.by} (${s.candidate.approval.at})` : '—')),
    row('kill switch', (s) => (s?.kill_switch ? 'on' : 'off')),
    row('pinned', (s) => s?.pinned ?? '—'),
    '',
  ];
  if (candidate && decision) {
    lines.push(`Gate decision of ${model} ${candidate.model_version}: \`${decision}\` (\`${candidate.gate.path}\`, sha256 \`${candidate.gate.sha256.slice(0, 12)}\`).`);
    if (decision === 'require_manual_review' && !after.candidate?.approval && change.action === 'start') {
      lines.push('', 'The gate asks for a manual review: the `cairn/gate` check stays pending until someone other than the author (and not a bot) approves this pull request on its current head. The approval is then recorded in the rollout state on this branch; a later push makes it stale.');
    }
    lines.push('');
  }
  lines.push(`This pull request changes only \`${paths.rollout(model)}\`. Reverting its merge (\`cairn rollback ${model}\` or GitHub's Revert button) restores the state before it.`);
  return lines.join('\n');
}
