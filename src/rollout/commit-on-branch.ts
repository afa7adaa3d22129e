import type { Forge, OpenPullRequestInput, PullRequest } from '../forge/port.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage, type CommitStageResult, type StagePlan } from '../store/stage-writer.js';
import type { RolloutDeps } from './run-rollout.js';

export interface BranchCommitOptions<T> {
  stage: string;
  runId: string;
  branch: string;
  /** The commit `planned` was planned on, where a new branch starts. */
  base: string;
  planned: StagePlan<T>;
  /** Whether the branch's tip already holds the change (an earlier run, or a run that won the race). */
  holds: (reader: RepoReader, tip: string) => Promise<boolean>;
  /** The change planned again on a newer tip. */
  replan: (reader: RepoReader, tip: string) => Promise<StagePlan<T>>;
}

/**
 * One stage commit on `branch`, which starts at `base` when it is new; pushed to the deps'
 * remote when there is one. A tip other than `base` (the branch exists, or another push landed
 * first) either already holds the change, and nothing is written, or gets it planned again.
 */
export function commitOnBranch<T>(deps: RolloutDeps, options: BranchCommitOptions<T>): Promise<CommitStageResult<T>> {
  return commitStage<T>({
    dir: deps.dir,
    stage: options.stage,
    runId: options.runId,
    branch: options.branch,
    startPoint: options.base,
    push: deps.remote ? { remote: deps.remote } : undefined,
    plan: async ({ reader, parent }) => {
      const tip = parent ?? options.base;
      if (tip === options.base) return options.planned;
      if (await options.holds(reader, tip)) return { ...options.planned, files: [] };
      return options.replan(reader, tip);
    },
  });
}

/** The open pull request of `head`, or a new one: a second run of a stage finds the first run's. */
export async function openOrFindPullRequest(forge: Forge, input: OpenPullRequestInput): Promise<PullRequest> {
  const [open] = await forge.listPullRequests({ state: 'open', head: input.head });
  return open ?? forge.openPullRequest(input);
}
