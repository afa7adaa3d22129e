import { paths } from '../artifacts/layout.js';
import type { PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import type { StagePlan } from '../store/stage-writer.js';
import { commitOnBranch, openOrFindPullRequest } from './commit-on-branch.js';
import { buildRollbackBody, planRollbackRevert, type RevertPlan } from './plan-rollback-revert.js';
import { resolveBase } from './resolve-base.js';
import type { RolloutDeps } from './run-rollout.js';

export interface RollbackOptions {
  model: string;
  /** The branch that serves, e.g. `main`. */
  base: string;
  reason: string;
  runId: string;
  /** Commit the revert straight onto the base branch (an emergency), instead of opening a pull request. */
  direct?: boolean;
  dryRun?: boolean;
}

export interface RollbackResult {
  plan: RevertPlan;
  /** The branch the revert was committed on: the base itself with `now`. */
  branch: string;
  commit: string | null;
  pullRequest: PullRequest | null;
}

/**
 * `cairn rollback`: the revert of the last rollout change, as a pull request, or with `now`
 * pushed to the base branch at once (re-planned on the newest base if another push lands first).
 */
export async function runRollback(deps: RolloutDeps, options: RollbackOptions): Promise<RollbackResult> {
  const baseCommit = await resolveBase(deps.dir, deps.reader, options.base, deps.remote);
  const plan = await planRollbackRevert(deps.reader, baseCommit, options.model);
  const branch = options.direct ? options.base : new StageBranch('rollback', options.model, `revert-${plan.reverted.commit.slice(0, 12)}`).toString();
  if (options.dryRun) return { plan, branch, commit: null, pullRequest: null };
  const committed = await commitOnBranch<RevertPlan>(deps, {
    stage: 'rollback',
    runId: options.runId,
    branch,
    base: baseCommit,
    planned: toStagePlan(plan, options.reason),
    // A rollback branch that exists already holds this revert; on the base itself, a newer change is reverted.
    holds: async () => !options.direct,
    replan: async (reader, tip) => toStagePlan(await planRollbackRevert(reader, tip, options.model), options.reason),
  });
  if (options.direct) return { plan: committed.value, branch, commit: committed.commit, pullRequest: null };
  const pullRequest = await openOrFindPullRequest(deps.forge, { head: branch, base: options.base, title: plan.subject, body: buildRollbackBody(plan, options.reason), labels: ['cairn:rollback'] });
  return { plan: committed.value, branch, commit: committed.commit, pullRequest };
}

function toStagePlan(plan: RevertPlan, reason: string): StagePlan<RevertPlan> {
  const trailers: Array<readonly [string, string]> = reason ? [['Cairn-Reason', reason.replace(/\s+/g, ' ').trim()]] : [];
  return { subject: plan.subject, body: plan.body, files: [{ path: paths.rollout(plan.model), content: plan.content }], trailers, value: plan };
}
