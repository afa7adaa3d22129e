import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { UsageError } from '../errors.js';
import type { CheckState, Forge, PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import { planRolloutCommit, toStagePlan } from '../rollout/plan-rollout-commit.js';
import { readCandidateDecision } from '../rollout/read-rollout-candidate.js';
import { readRolloutState } from '../rollout/read-rollout-state.js';
import { resolveBase } from '../rollout/resolve-base.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage } from '../store/stage-writer.js';
import { evaluateManualReview, type ManualReviewCheck } from './evaluate-manual-review.js';
import { readApprovalRecord } from './read-approval-record.js';

export const GATE_CONTEXT = 'cairn/gate';

export interface ReviewCheckDeps {
  dir: string;
  reader: RepoReader;
  forge: Forge;
  /** Push the approval commit to this remote; omit to commit on the local branch (local forge). */
  remote?: string;
}

export interface ReviewCheckOptions {
  pullRequest: number;
  runId: string;
  now: () => Date;
  /** Machine users besides those the forge marks as bots. */
  bots?: readonly string[];
}

export interface ReviewCheckResult {
  pullRequest: PullRequest;
  state: CheckState;
  description: string;
  /** The commit the `cairn/gate` status was set on, or null when the head moved meanwhile. */
  statusSha: string | null;
  /** The commit that recorded the approval in the rollout state, when this run made one. */
  recorded: string | null;
  approval: ManualReviewCheck['approval'];
}

/**
 * The `cairn/gate` check of a rollout pull request. A candidate the gate sent to manual review
 * passes once someone other than the author, and not a bot, approves the current head; the
 * approval is then committed into the rollout state on the pull request's branch (from the
 * object store: the branch is data, never checked out) and the check passes on that commit.
 * Any other rollout pull request passes at once: its candidate was approved by the gate or its
 * approval is already recorded on the base.
 */
export async function runReviewCheck(deps: ReviewCheckDeps, options: ReviewCheckOptions): Promise<ReviewCheckResult> {
  const pr = await deps.forge.getPullRequest(options.pullRequest);
  const branch = StageBranch.parse(pr.head);
  if (!branch || branch.stage !== 'rollout') {
    throw new UsageError(`pull request #${pr.number} (${pr.head}) is not a cairn rollout pull request`, { pullRequest: pr.number, head: pr.head });
  }
  const model = branch.subject;
  await resolveBase(deps.dir, deps.reader, pr.head, deps.remote); // brings the head's objects
  const baseTip = await resolveBase(deps.dir, deps.reader, pr.base, deps.remote);
  const state = await readRolloutState(deps.reader, pr.headSha, model);
  const settled = await settledCheck(deps.reader, pr.headSha, baseTip, model, state);
  if (settled) return finish(deps.forge, pr, { ...settled, approval: null }, pr.headSha, null);

  const approvedCommit = await readApprovalRecord(deps.reader, pr.headSha, model);
  const reviews = await deps.forge.listReviews(pr.number);
  const check = evaluateManualReview({ pullRequest: pr, reviews, approvedCommits: approvedCommit ? [approvedCommit] : [], bots: options.bots });
  const recorded = state?.candidate?.approval;
  const alreadyRecorded = recorded?.commit === check.approval?.commit && recorded?.by === check.approval?.by;
  if (check.state !== 'success' || !check.approval || alreadyRecorded) return finish(deps.forge, pr, check, pr.headSha, null);

  const approval = check.approval;
  const committed = await commitStage({
    dir: deps.dir,
    stage: 'review',
    runId: options.runId,
    branch: pr.head,
    startPoint: pr.headSha,
    push: deps.remote ? { remote: deps.remote } : undefined,
    plan: async ({ reader, parent }) => {
      // Someone pushed after the approval: it is stale, and that push runs this check again.
      if (parent !== pr.headSha) return { subject: 'approval is stale', files: [], value: undefined };
      const plan = await planRolloutCommit(reader, parent, model, { action: 'approve', approval }, { reason: state!.reason, now: options.now() });
      return { ...toStagePlan(plan, ''), body: `Approved by ${approval.by} at ${approval.at} on ${approval.commit} (#${pr.number}).`, value: undefined };
    },
  });
  if (!committed.commit) {
    return finish(deps.forge, pr, { state: 'pending', description: 'the head moved after the approval; waiting for a review of the new head', approval: null }, null, null);
  }
  return finish(deps.forge, pr, check, committed.commit, committed.commit);
}

/** The check of a rollout pull request that no review can change, or null when it waits on one. */
async function settledCheck(reader: RepoReader, head: string, baseTip: string, model: string, state: RolloutStateV2 | null): Promise<{ state: CheckState; description: string } | null> {
  const candidate = state?.candidate;
  if (!candidate) return { state: 'success', description: 'no candidate to review' };
  const decision = await readCandidateDecision(reader, head, candidate);
  if (decision === 'approve') return { state: 'success', description: `the gate approved ${model} ${candidate.model_version}` };
  if (decision !== 'require_manual_review') return { state: 'failure', description: `${model} ${candidate.model_version} has gate decision ${decision ?? 'none'} and can never serve` };
  const base = (await readRolloutState(reader, baseTip, model))?.candidate;
  if (base?.model_version === candidate.model_version && base.approval) {
    return { state: 'success', description: `${candidate.model_version} was approved by ${base.approval.by}${base.approval.pull_request ? ` in #${base.approval.pull_request}` : ''}` };
  }
  return null;
}

/** GitHub refuses a status description longer than 140 characters. */
export function statusDescription(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

async function finish(forge: Forge, pr: PullRequest, check: ManualReviewCheck, sha: string | null, recorded: string | null): Promise<ReviewCheckResult> {
  if (sha) await forge.setStatus({ context: GATE_CONTEXT, sha, state: check.state, description: statusDescription(check.description) });
  return { pullRequest: pr, state: check.state, description: check.description, statusSha: sha, recorded, approval: check.approval };
}
