import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { upgradeRolloutState } from '../artifacts/upgrade-promotion.js';
import { NotFoundError, PolicyError } from '../errors.js';
import { parsePullRequestNumber } from '../history/pull-request-ref.js';
import { readFirstParentLog } from '../store/file-log.js';
import type { RepoReader } from '../store/repo-reader.js';
import { readRolloutState } from './read-rollout-state.js';
import { summarizeRollout } from './summarize-rollout.js';

/** The revert of the last rollout change at a commit: git's own message and the bytes it restores. */
export interface RevertPlan {
  model: string;
  /** The change undone: the newest first-parent commit that touched the rollout file. */
  reverted: { commit: string; subject: string; pullRequest: number | null };
  /** `Revert "<subject>"`, as `git revert` and GitHub's Revert button write it. */
  subject: string;
  /** `This reverts commit <sha>.` */
  body: string;
  current: RolloutStateV2 | null;
  restored: RolloutStateV2;
  /** The rollout file exactly as it was before the reverted change. */
  content: Uint8Array;
}

/**
 * Plans the revert of the newest change of `registry/<model>/rollout.json` on the first-parent
 * line of `ref` (on a branch that takes pull requests, the merge of the last rollout pull
 * request): the file's bytes at that commit's first parent. Refuses the first rollout, which has
 * nothing to return to.
 */
export async function planRollbackRevert(reader: RepoReader, ref: string, model: string): Promise<RevertPlan> {
  const file = paths.rollout(model);
  const [last] = await readFirstParentLog(reader.dir, { ref, path: file, limit: 1 });
  if (!last) throw new NotFoundError(`${file} has no history at ${ref.slice(0, 12)}: ${model} was never rolled out`, { file, ref });
  const subject = last.message.split('\n')[0]!;
  const parent = last.parents[0];
  const content = parent ? await reader.readFile(parent, file) : null;
  if (!content) {
    throw new PolicyError(`${file} was created by ${last.commit.slice(0, 12)} ("${subject}"): the first rollout of ${model} has no earlier state to return to`, {
      rule: 'nothing-to-revert',
      file,
      commit: last.commit,
    });
  }
  const restored = upgradeRolloutState(decodeArtifact('RolloutState', content, `${file}@${parent!.slice(0, 12)}`));
  return {
    model,
    reverted: { commit: last.commit, subject, pullRequest: parsePullRequestNumber(last.message) },
    subject: `Revert "${subject}"`,
    body: `This reverts commit ${last.commit}.`,
    current: await readRolloutState(reader, ref, model),
    restored,
    content,
  };
}

/** The body of a rollback pull request. */
export function buildRollbackBody(plan: RevertPlan, reason: string): string {
  const pr = plan.reverted.pullRequest ? ` (#${plan.reverted.pullRequest})` : '';
  return [
    `**Reason:** ${reason || '(none given)'}`,
    '',
    `Reverts ${plan.reverted.commit.slice(0, 12)} "${plan.reverted.subject}"${pr}.`,
    '',
    `- now: ${summarizeRollout(plan.current)}`,
    `- after the merge: ${summarizeRollout(plan.restored)}`,
    '',
    `\`${paths.rollout(plan.model)}\` returns byte for byte to its state before that change; no artifact is deleted, the reverted model stays in the registry.`,
  ].join('\n');
}
