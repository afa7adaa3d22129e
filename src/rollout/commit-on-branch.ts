import type { Forge, OpenPullRequestInput, PullRequest } from '../forge/port.js';
import { commitStage, type CommitStageResult, type StagePlanner } from '../store/stage-writer.js';
import type { RolloutDeps } from './run-rollout.js';

/**
 * One stage commit on `branch`, which starts at `base` when it is new; pushed to the deps'
 * remote when there is one, re-planned on the remote's tip when another push lands first.
 */
export function commitOnBranch<T>(deps: RolloutDeps, options: { stage: string; runId: string; branch: string; base: string; plan: StagePlanner<T> }): Promise<CommitStageResult<T>> {
  return commitStage<T>({
    dir: deps.dir,
    stage: options.stage,
    runId: options.runId,
    branch: options.branch,
    startPoint: options.base,
    push: deps.remote ? { remote: deps.remote } : undefined,
    plan: options.plan,
  });
}

/** The open pull request of `head`, or a new one: a second run of a stage finds the first run's. */
export async function openOrFindPullRequest(forge: Forge, input: OpenPullRequestInput): Promise<PullRequest> {
  const [open] = await forge.listPullRequests({ state: 'open', head: input.head });
  return open ?? forge.openPullRequest(input);
}
