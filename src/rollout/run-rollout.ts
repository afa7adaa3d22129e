import { PolicyError } from '../errors.js';
import type { Forge, MergedPullRequest, PullRequest } from '../forge/port.js';
import { commitOnBranch, openOrFindPullRequest } from './commit-on-branch.js';
import type { RepoReader } from '../store/repo-reader.js';
import type { RolloutChange } from './plan-rollout-change.js';
import { planRolloutCommit, toStagePlan, type RolloutPlan } from './plan-rollout-commit.js';
import { readRolloutState } from './read-rollout-state.js';
import { resolveBase } from './resolve-base.js';
import { buildRolloutBranch } from './rollout-pull-request.js';
import type { RolloutRequest } from './rollout-request.js';

export interface RolloutDeps {
  dir: string;
  reader: RepoReader;
  forge: Forge;
  /** Push the branch to this remote (the workflow's `origin`); omit to keep it local (local forge). */
  remote?: string;
}

export interface RolloutOptions {
  model: string;
  request: RolloutRequest | RolloutChange;
  reason: string;
  /** The branch the pull request merges into, e.g. `main`. */
  base: string;
  runId: string;
  now: () => Date;
  /** Plan only: nothing is committed, pushed or opened. */
  dryRun?: boolean;
  /** Merge the pull request at once; refused for a candidate that still needs a review. */
  merge?: boolean;
  labels?: string[];
}

export interface RolloutResult {
  plan: RolloutPlan;
  branch: string;
  /** The commit on the branch, or null for a dry run or when the branch already held the change. */
  commit: string | null;
  pullRequest: PullRequest | null;
  merged: MergedPullRequest | null;
}

/**
 * `cairn rollout`: plans one change on the newest state of the base branch, commits it on its own
 * branch (`cairn/rollout/<model>/…`, pushed through the store) and opens it as a pull request that
 * changes only `registry/<model>/rollout.json`. Refusals come before anything is written.
 */
export async function runRollout(deps: RolloutDeps, options: RolloutOptions): Promise<RolloutResult> {
  const { model, reason } = options;
  const context = { reason, now: options.now() };
  const baseCommit = await resolveBase(deps.dir, deps.reader, options.base, deps.remote);
  const plan = await planRolloutCommit(deps.reader, baseCommit, model, options.request, context);
  const branch = buildRolloutBranch(model, plan.change, plan.before).toString();
  if (options.merge) assertMergeable(plan);
  if (options.dryRun) return { plan, branch, commit: null, pullRequest: null, merged: null };

  const committed = await commitOnBranch<RolloutPlan>(deps, {
    stage: 'rollout',
    runId: options.runId,
    branch,
    base: baseCommit,
    planned: toStagePlan(plan, reason),
    holds: async (reader, tip) => (await readRolloutState(reader, tip, model))?.checksum !== plan.before?.checksum,
    replan: async (reader, tip) => toStagePlan(await planRolloutCommit(reader, tip, model, options.request, context), reason),
  });
  const pullRequest = await openOrFindPullRequest(deps.forge, { head: branch, base: options.base, title: committed.value.title, body: committed.value.body, labels: options.labels ?? ['cairn:rollout'] });
  const merged = options.merge ? await deps.forge.mergePullRequest(pullRequest.number, { sha: pullRequest.headSha }) : null;
  return { plan: committed.value, branch, commit: committed.commit, pullRequest, merged };
}

/** Only a candidate the gate approved, or one whose approval is recorded, may be merged without a review. */
export function assertMergeable(plan: RolloutPlan): void {
  const candidate = plan.after.candidate;
  if (!candidate || candidate.approval || plan.decision === 'approve') return;
  throw new PolicyError(`${plan.model} ${candidate.model_version} needs a manual review (gate decision: ${plan.decision ?? 'none'}); its pull request waits for an approval and cannot be merged at once`, {
    rule: 'manual-review',
    file: plan.after.candidate ? candidate.gate.path : undefined,
  });
}
