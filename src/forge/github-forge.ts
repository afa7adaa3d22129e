import { getOctokit } from '@actions/github';
import { ForgeError, NotFoundError, UsageError } from '../errors.js';
import { DEFAULT_GITHUB_API_URL, gitHubOptionsFromEnv, type GitHubForgeOptions } from './github/github-env.js';
import { toCairnError, validationErrors, type GitHubCall } from './github/github-errors.js';
import { changedPaths, labelNames, latestStatuses, toComment, toPullRequest, toReview } from './github/github-records.js';
import type {
  Comment,
  CommitStatus,
  Forge,
  MergedPullRequest,
  MergeOptions,
  OpenPullRequestInput,
  PullRequest,
  PullRequestState,
  Review,
  ReviewState,
} from './port.js';

export { DEFAULT_GITHUB_API_URL, gitHubOptionsFromEnv, type GitHubForgeOptions };

const REVIEW_EVENTS = { APPROVED: 'APPROVE', CHANGES_REQUESTED: 'REQUEST_CHANGES', COMMENTED: 'COMMENT' } as const;
const FULL_SHA = /^[0-9a-f]{40}$/;
const PAGE = 100;
/** GitHub lists at most this many files of a pull request, and says nothing of the rest. */
const FILE_LIST_LIMIT = 3000;

/**
 * The forge port over GitHub's REST API, through `@actions/github`. It keeps the local adapter's
 * rules where GitHub leaves them to the client (a title is required, a change request needs a
 * body, a closed pull request is not reviewed) and maps every HTTP failure to a `NotFoundError`
 * or a `ForgeError` that names the call and, for a refused token, the permissions it needs.
 */
export class GitHubForge implements Forge {
  readonly name: string;
  private readonly octokit: ReturnType<typeof getOctokit>;
  private readonly repository: { owner: string; repo: string };

  constructor(options: GitHubForgeOptions) {
    this.name = `github:${options.owner}/${options.repo}`;
    this.repository = { owner: options.owner, repo: options.repo };
    this.octokit = getOctokit(options.token, {
      baseUrl: (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
      userAgent: options.userAgent ?? 'cairn',
      // Passing `request` replaces @actions/github's defaults (proxy agent and fetch) as a whole.
      ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    });
  }

  async openPullRequest(input: OpenPullRequestInput): Promise<PullRequest> {
    if (!input.title.trim()) throw new UsageError('a pull request needs a title', { head: input.head });
    if (input.head === input.base) throw new UsageError(`head and base are both "${input.head}"`, { head: input.head, base: input.base });
    const call: GitHubCall = {
      action: `open a pull request from ${input.head} into ${input.base}`,
      permissions: 'pull-requests: write (and, for GITHUB_TOKEN, "Allow GitHub Actions to create and approve pull requests")',
      notFound: `repository ${this.name} does not exist or the token cannot see it`,
      refine: (failure) => {
        const invalid = validationErrors(failure).find((e) => e.code === 'invalid' && (e.field === 'head' || e.field === 'base'));
        if (failure.status !== 422 || !invalid) return undefined;
        const branch = invalid.field === 'head' ? input.head : input.base;
        return new NotFoundError(`branch "${branch}" does not exist`, { branch, url: failure.url });
      },
    };
    const { data } = await this.call(call, () =>
      this.octokit.rest.pulls.create({ ...this.repository, head: input.head, base: input.base, title: input.title, body: input.body }),
    );
    const labels = [...new Set(input.labels ?? [])];
    if (labels.length === 0) return toPullRequest(data);
    return { ...toPullRequest(data), labels: await this.labelPullRequest(data.number, labels) };
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    const { data } = await this.call(this.pullCall(number, `read pull request #${number}`, 'pull-requests: read'), () =>
      this.octokit.rest.pulls.get({ ...this.repository, pull_number: number }),
    );
    return toPullRequest(data);
  }

  /** Oldest first; `state` defaults to 'open'. GitHub filters by state and head, cairn by label. */
  async listPullRequests(filter: { state?: PullRequestState | 'all'; head?: string; label?: string } = {}): Promise<PullRequest[]> {
    const state = filter.state ?? 'open';
    const call = { action: 'list pull requests', permissions: 'pull-requests: read', notFound: `repository ${this.name} does not exist` };
    const pulls = await this.call(call, () =>
      this.octokit.paginate(this.octokit.rest.pulls.list, {
        ...this.repository,
        state: state === 'all' || state === 'open' ? state : 'closed',
        head: filter.head === undefined ? undefined : `${this.repository.owner}:${filter.head}`,
        sort: 'created',
        direction: 'asc',
        per_page: PAGE,
      }),
    );
    return pulls
      .map(toPullRequest)
      .filter((pr) => (state === 'all' || pr.state === state) && (filter.label === undefined || pr.labels.includes(filter.label)));
  }

  async updatePullRequest(number: number, patch: { title?: string; body?: string }): Promise<PullRequest> {
    if (patch.title !== undefined && !patch.title.trim()) throw new UsageError('a pull request needs a title', { number });
    const { data } = await this.call(this.pullCall(number, `edit pull request #${number}`, 'pull-requests: write'), () =>
      this.octokit.rest.pulls.update({ ...this.repository, pull_number: number, title: patch.title, body: patch.body }),
    );
    return toPullRequest(data);
  }

  /** GitHub would "close" a merged pull request without complaint; the port refuses, as the local adapter does. */
  async closePullRequest(number: number): Promise<PullRequest> {
    const current = await this.getPullRequest(number);
    if (current.state === 'merged') throw new ForgeError(`#${number} is merged and cannot be closed`, { number });
    if (current.state === 'closed') return current;
    const { data } = await this.call(this.pullCall(number, `close pull request #${number}`, 'pull-requests: write'), () =>
      this.octokit.rest.pulls.update({ ...this.repository, pull_number: number, state: 'closed' }),
    );
    return toPullRequest(data);
  }

  /** With `sha`, GitHub refuses (409) to merge a head that moved; that refusal names the commit. */
  async mergePullRequest(number: number, options: MergeOptions = {}): Promise<MergedPullRequest> {
    const expected = options.sha;
    if (expected !== undefined && !FULL_SHA.test(expected)) throw new UsageError(`"${expected}" is not a full commit sha`, { number, sha: expected });
    const call: GitHubCall = {
      ...this.pullCall(number, `merge pull request #${number}`, 'contents: write and pull-requests: write'),
      refine: (failure) =>
        failure.status === 409 && expected !== undefined
          ? new ForgeError(`#${number} was not merged: its head is no longer ${expected} (${failure.message})`, { number, expected, status: 409 })
          : undefined,
    };
    const { data } = await this.call(call, () =>
      this.octokit.rest.pulls.merge({
        ...this.repository,
        pull_number: number,
        merge_method: options.method ?? 'merge',
        commit_title: options.commitTitle,
        sha: expected,
      }),
    );
    const merged = await this.getPullRequest(number);
    // A read replica can lag behind the merge; the merge answer is authoritative.
    return { ...merged, state: 'merged', mergeCommitSha: data.sha };
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    await this.labelPullRequest(number, [...new Set(labels)]);
  }

  /** Throws NotFoundError when the label is not on the pull request (GitHub answers 404). */
  async removeLabel(number: number, label: string): Promise<void> {
    const action = `remove label "${label}" from #${number}`;
    const call = { action, permissions: 'pull-requests: write', notFound: `#${number} has no label "${label}"` };
    await this.call(call, () => this.octokit.rest.issues.removeLabel({ ...this.repository, issue_number: number, name: label }));
  }

  async listComments(number: number): Promise<Comment[]> {
    const comments = await this.call(this.pullCall(number, `list the comments of #${number}`, 'pull-requests: read'), () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.repository, issue_number: number, per_page: PAGE }),
    );
    return comments.map(toComment);
  }

  /** Edits the first comment that carries `marker`, whoever wrote it; the marker is prepended when `body` lacks it. */
  async upsertComment(number: number, marker: string, body: string): Promise<Comment> {
    if (!marker) throw new UsageError('upsertComment needs a marker', { number });
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    const existing = (await this.listComments(number)).find((comment) => comment.body.includes(marker));
    const call = this.pullCall(number, `comment on #${number}`, 'pull-requests: write');
    const { data } = existing
      ? await this.call(call, () => this.octokit.rest.issues.updateComment({ ...this.repository, comment_id: existing.id, body: text }))
      : await this.call(call, () => this.octokit.rest.issues.createComment({ ...this.repository, issue_number: number, body: text }));
    return toComment(data);
  }

  /** A comment deleted by someone else between the list and the delete (GitHub answers 404) is fine: it is gone. */
  async deleteComment(number: number, marker: string): Promise<void> {
    if (!marker) throw new UsageError('deleteComment needs a marker', { number });
    const existing = (await this.listComments(number)).find((comment) => comment.body.includes(marker));
    if (!existing) return;
    const call = { action: `delete comment ${existing.id} of #${number}`, permissions: 'pull-requests: write', notFound: `comment ${existing.id} does not exist` };
    await this.call(call, () => this.octokit.rest.issues.deleteComment({ ...this.repository, comment_id: existing.id })).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }

  /** Refuses rather than answer a partial list when GitHub's file-list limit is reached. */
  async listChangedFiles(number: number): Promise<string[]> {
    const files = await this.call(this.pullCall(number, `list the files of #${number}`, 'pull-requests: read'), () =>
      this.octokit.paginate(this.octokit.rest.pulls.listFiles, { ...this.repository, pull_number: number, per_page: PAGE }),
    );
    if (files.length >= FILE_LIST_LIMIT) {
      const message = `#${number} changes ${files.length} files or more; GitHub lists at most ${FILE_LIST_LIMIT}, so the rest are unknown`;
      throw new ForgeError(message, { number, listed: files.length });
    }
    return changedPaths(files);
  }

  /** Submitted verdicts only: pending and dismissed reviews are left out. */
  async listReviews(number: number): Promise<Review[]> {
    const reviews = await this.call(this.pullCall(number, `list the reviews of #${number}`, 'pull-requests: read'), () =>
      this.octokit.paginate(this.octokit.rest.pulls.listReviews, { ...this.repository, pull_number: number, per_page: PAGE }),
    );
    return reviews.flatMap((review) => toReview(review) ?? []);
  }

  /**
   * Posts a review on the head commit as the token's user: GitHub has no way to review on someone
   * else's behalf, so `reviewer` is ignored. GitHub refuses (ForgeError) an approval or change
   * request by the pull request's own author, e.g. `GITHUB_TOKEN` approving a PR it opened.
   */
  async submitReview(number: number, review: { state: ReviewState; body?: string; reviewer?: string }): Promise<Review> {
    const body = review.body ?? '';
    if (review.state !== 'APPROVED' && !body.trim()) {
      throw new UsageError(`a ${review.state} review needs a body`, { number, state: review.state });
    }
    const pull = await this.getPullRequest(number);
    if (pull.state !== 'open') throw new ForgeError(`#${number} is ${pull.state} and cannot be reviewed`, { number, state: pull.state });
    const call = this.pullCall(number, `review pull request #${number}`, 'pull-requests: write');
    const { data } = await this.call(call, () =>
      this.octokit.rest.pulls.createReview({
        ...this.repository,
        pull_number: number,
        commit_id: pull.headSha,
        event: REVIEW_EVENTS[review.state],
        body: body || undefined,
      }),
    );
    const submitted = toReview(data);
    if (!submitted) throw new ForgeError(`GitHub recorded the review of #${number} as ${data.state}`, { number, state: data.state });
    return submitted;
  }

  async setStatus(status: CommitStatus): Promise<void> {
    if (!status.context) throw new UsageError('a status needs a context', { sha: status.sha });
    if (!FULL_SHA.test(status.sha)) throw new UsageError(`"${status.sha}" is not a full commit sha`, { sha: status.sha });
    const missing = `commit ${status.sha} does not exist`;
    const call: GitHubCall = {
      action: `set status ${status.context} on ${status.sha}`,
      permissions: 'statuses: write',
      notFound: missing,
      refine: (failure) =>
        failure.status === 422 && /no commit found/i.test(failure.message) ? new NotFoundError(missing, { sha: status.sha }) : undefined,
    };
    const { sha, state, description, context } = status;
    await this.call(call, () => this.octokit.rest.repos.createCommitStatus({ ...this.repository, sha, state, description, context }));
  }

  async getStatuses(sha: string): Promise<CommitStatus[]> {
    const call = { action: `read the statuses of ${sha}`, permissions: 'statuses: read', notFound: `commit ${sha} does not exist` };
    const statuses = await this.call(call, () =>
      this.octokit.paginate(this.octokit.rest.repos.listCommitStatusesForRef, { ...this.repository, ref: sha, per_page: PAGE }),
    );
    return latestStatuses(sha, statuses);
  }

  /** GitHub creates labels the repository lacks; answers with all labels now on the pull request. */
  private async labelPullRequest(number: number, labels: string[]): Promise<string[]> {
    const call = this.pullCall(number, `label pull request #${number}`, 'pull-requests: write');
    const { data } = await this.call(call, () => this.octokit.rest.issues.addLabels({ ...this.repository, issue_number: number, labels }));
    return labelNames(data);
  }

  private pullCall(number: number, action: string, permissions: string): GitHubCall {
    return { action, permissions, notFound: `pull request #${number} does not exist` };
  }

  private async call<T>(call: GitHubCall, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toCairnError(error, call);
    }
  }
}

/** The GitHub forge of the repository a workflow runs in; see `gitHubOptionsFromEnv`. */
export function gitHubForgeFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubForge {
  return new GitHubForge(gitHubOptionsFromEnv(env));
}
