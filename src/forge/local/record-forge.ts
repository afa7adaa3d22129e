import { ForgeError, NotFoundError, UsageError } from '../../errors.js';
import type {
  Comment,
  CommitStatus,
  Forge,
  MergedPullRequest,
  MergeMethod,
  MergeOptions,
  OpenPullRequestInput,
  PullRequest,
  PullRequestState,
  Review,
  ReviewState,
} from '../port.js';
import { newPullRequestRecord, newStatusesRecord, toPullRequest, toReview, type PullRequestRecord, type ReviewRecord } from './pull-request-record.js';
import type { RecordStore } from './record-store.js';

/** A merge the backend is asked to make; `message` is the whole commit message. */
export interface MergeRequest {
  head: string;
  headSha: string;
  base: string;
  method: MergeMethod;
  message: string;
}

/** What differs between the local forge and the fake: where branches live and how a merge is made. */
export interface ForgeBackend {
  /** The commit at the tip of `branch`, or null when there is no such branch. */
  branchSha(branch: string): Promise<string | null>;
  /** Throws NotFoundError when `sha` names no commit. */
  assertCommit(sha: string): Promise<void>;
  /** Who acts when the caller names no one. */
  user(): Promise<string>;
  /** Creates the merge (or squash) commit of `headSha` on `base`, moves `base` to it and returns its sha. */
  merge(request: MergeRequest): Promise<string>;
  /** The first parent of a merge commit this backend made: the base before the merge. */
  firstParent(mergeSha: string): Promise<string>;
  /** The paths that differ between the merge base of `baseSha` and `headSha`, and `headSha`; sorted. */
  changedFiles(baseSha: string, headSha: string): Promise<string[]>;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * The pull-request rules shared by `LocalForge` and `FakeForge`, so the two cannot drift: they
 * differ only in their `RecordStore` and `ForgeBackend`. Where GitHub refuses a request, so
 * does this (a second open pull request for the same branches, removing a label that is not there,
 * reviewing a closed pull request, a review without a body that is not an approval).
 */
export class RecordForge implements Forge {
  constructor(
    readonly name: string,
    private readonly store: RecordStore,
    private readonly backend: ForgeBackend,
    private readonly now: () => Date,
  ) {}

  async openPullRequest(input: OpenPullRequestInput): Promise<PullRequest> {
    if (!input.title.trim()) throw new UsageError('a pull request needs a title', { head: input.head });
    if (input.head === input.base) throw new UsageError(`head and base are both "${input.head}"`, { head: input.head, base: input.base });
    const headSha = await this.requireBranch(input.head);
    await this.requireBranch(input.base);
    const author = await this.backend.user();
    const at = this.timestamp();
    const record = await this.store.create((number, existing) => {
      const duplicate = existing.find((r) => r.state === 'open' && r.head === input.head && r.base === input.base);
      if (duplicate) {
        throw new ForgeError(`a pull request from ${input.head} into ${input.base} is already open: #${duplicate.number}`, {
          number: duplicate.number,
        });
      }
      const labels = unique(input.labels ?? []);
      const fields = { number, title: input.title, body: input.body, head: input.head, base: input.base, headSha, labels, author };
      return newPullRequestRecord({ ...fields, state: 'open', mergeCommitSha: null, createdAt: at, updatedAt: at, comments: [], reviews: [] });
    });
    return toPullRequest(record, headSha);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return this.view(await this.readRecord(number));
  }

  /** Pull requests in order of number; `state` defaults to 'open'. */
  async listPullRequests(filter: { state?: PullRequestState | 'all'; head?: string; label?: string } = {}): Promise<PullRequest[]> {
    const state = filter.state ?? 'open';
    const records = (await this.store.list()).filter(
      (r) =>
        (state === 'all' || r.state === state) &&
        (filter.head === undefined || r.head === filter.head) &&
        (filter.label === undefined || r.labels.includes(filter.label)),
    );
    return Promise.all(records.map((record) => this.view(record)));
  }

  async updatePullRequest(number: number, patch: { title?: string; body?: string }): Promise<PullRequest> {
    if (patch.title !== undefined && !patch.title.trim()) throw new UsageError('a pull request needs a title', { number });
    return this.view(await this.edit(number, (r) => ({ ...r, title: patch.title ?? r.title, body: patch.body ?? r.body })));
  }

  async closePullRequest(number: number): Promise<PullRequest> {
    const record = await this.store.update(number, (r) => {
      if (r.state === 'merged') throw new ForgeError(`#${number} is merged and cannot be closed`, { number });
      return r.state === 'closed' ? r : { ...r, state: 'closed', updatedAt: this.timestamp() };
    });
    return this.view(record);
  }

  async mergePullRequest(number: number, options: MergeOptions = {}): Promise<MergedPullRequest> {
    const method = options.method ?? 'merge';
    if (options.sha !== undefined && !FULL_SHA.test(options.sha)) {
      throw new UsageError(`"${options.sha}" is not a full commit sha`, { number, sha: options.sha });
    }
    const record = await this.store.update(number, async (r) => {
      if (r.state !== 'open') throw new ForgeError(`#${number} is ${r.state} and cannot be merged`, { number, state: r.state });
      const headSha = await this.requireBranch(r.head);
      if (options.sha !== undefined && options.sha !== headSha) {
        const message = `#${number} was not merged: its head is no longer ${options.sha} but ${headSha}`;
        throw new ForgeError(message, { number, expected: options.sha, head: headSha });
      }
      const message =
        method === 'squash'
          ? (options.commitTitle ?? `${r.title} (#${number})`)
          : `${options.commitTitle ?? `Merge pull request #${number} from ${r.head}`}\n\n${r.title}`;
      const mergeCommitSha = await this.backend.merge({ head: r.head, headSha, base: r.base, method, message });
      return { ...r, state: 'merged', headSha, mergeCommitSha, updatedAt: this.timestamp() };
    });
    const merged = await this.view(record);
    return { ...merged, state: 'merged', mergeCommitSha: record.mergeCommitSha! };
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    await this.edit(number, (r) => ({ ...r, labels: unique([...r.labels, ...labels]) }));
  }

  /** Throws NotFoundError when the label is not on the pull request, as GitHub does. */
  async removeLabel(number: number, label: string): Promise<void> {
    await this.edit(number, (r) => {
      if (!r.labels.includes(label)) throw new NotFoundError(`#${number} has no label "${label}"`, { number, label });
      return { ...r, labels: r.labels.filter((l) => l !== label) };
    });
  }

  async listComments(number: number): Promise<Comment[]> {
    return (await this.readRecord(number)).comments.map((comment) => ({ ...comment }));
  }

  /** The marker is prepended when `body` lacks it, so the next upsert finds the comment. */
  async upsertComment(number: number, marker: string, body: string): Promise<Comment> {
    if (!marker) throw new UsageError('upsertComment needs a marker', { number });
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    const author = await this.backend.user();
    const at = this.timestamp();
    let id = 0;
    const record = await this.edit(number, (r) => {
      const existing = r.comments.find((comment) => comment.body.includes(marker));
      id = existing?.id ?? nextId(r.comments);
      const comments = existing
        ? r.comments.map((c) => (c.id === id ? { ...c, body: text, updatedAt: at } : c))
        : [...r.comments, { id, body: text, author, createdAt: at, updatedAt: at }];
      return { ...r, comments };
    });
    return { ...record.comments.find((comment) => comment.id === id)! };
  }

  /** Removes the first comment that carries `marker`, the one `upsertComment` edits. */
  async deleteComment(number: number, marker: string): Promise<void> {
    if (!marker) throw new UsageError('deleteComment needs a marker', { number });
    await this.store.update(number, (r) => {
      const existing = r.comments.find((comment) => comment.body.includes(marker));
      return existing ? { ...r, comments: r.comments.filter((c) => c !== existing) } : r;
    });
  }

  /** An unmerged pull request against its base as it is now; a merged one against the base it was merged into. */
  async listChangedFiles(number: number): Promise<string[]> {
    const record = await this.readRecord(number);
    if (record.mergeCommitSha !== null) {
      return this.backend.changedFiles(await this.backend.firstParent(record.mergeCommitSha), record.headSha);
    }
    const headSha = (await this.backend.branchSha(record.head)) ?? record.headSha;
    return this.backend.changedFiles(await this.requireBranch(record.base), headSha);
  }

  async listReviews(number: number): Promise<Review[]> {
    return (await this.readRecord(number)).reviews.map(toReview);
  }

  async submitReview(number: number, review: { state: ReviewState; body?: string; reviewer?: string }): Promise<Review> {
    const body = review.body ?? '';
    if (review.state !== 'APPROVED' && !body.trim()) {
      throw new UsageError(`a ${review.state} review needs a body`, { number, state: review.state });
    }
    const reviewer = review.reviewer ?? (await this.backend.user());
    let submitted: ReviewRecord | undefined;
    await this.store.update(number, async (r) => {
      if (r.state !== 'open') throw new ForgeError(`#${number} is ${r.state} and cannot be reviewed`, { number, state: r.state });
      // As on GitHub: an author may comment on their own pull request, never approve it or request changes.
      if (reviewer === r.author && review.state !== 'COMMENTED') {
        throw new ForgeError(`Can not ${review.state === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request (#${number} by ${reviewer})`, { number, reviewer });
      }
      const commitSha = await this.requireBranch(r.head);
      submitted = { id: nextId(r.reviews), reviewer, state: review.state, body, commitSha, submittedAt: this.timestamp() };
      return { ...r, reviews: [...r.reviews, submitted], updatedAt: submitted.submittedAt };
    });
    return toReview(submitted!);
  }

  /** The latest status of a context replaces the earlier one. */
  async setStatus(status: CommitStatus): Promise<void> {
    if (!status.context) throw new UsageError('a status needs a context', { sha: status.sha });
    await this.backend.assertCommit(status.sha);
    const entry = { context: status.context, state: status.state, description: status.description, sha: status.sha };
    await this.store.updateStatuses(status.sha, (r) => {
      const at = r.statuses.findIndex((s) => s.context === entry.context);
      return { ...r, statuses: at === -1 ? [...r.statuses, entry] : r.statuses.map((s, i) => (i === at ? entry : s)) };
    });
  }

  async getStatuses(sha: string): Promise<CommitStatus[]> {
    const record = (await this.store.readStatuses(sha)) ?? newStatusesRecord(sha);
    return record.statuses.map((status) => ({ ...status }));
  }

  private async readRecord(number: number): Promise<PullRequestRecord> {
    const record = await this.store.read(number);
    if (!record) throw new NotFoundError(`pull request #${number} does not exist`, { number });
    return record;
  }

  private edit(number: number, change: (record: PullRequestRecord) => PullRequestRecord): Promise<PullRequestRecord> {
    return this.store.update(number, (r) => ({ ...change(r), updatedAt: this.timestamp() }));
  }

  private async view(record: PullRequestRecord): Promise<PullRequest> {
    return toPullRequest(record, await this.backend.branchSha(record.head));
  }

  private async requireBranch(branch: string): Promise<string> {
    const sha = await this.backend.branchSha(branch);
    if (!sha) throw new NotFoundError(`branch "${branch}" does not exist`, { branch });
    return sha;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function nextId(items: ReadonlyArray<{ id: number }>): number {
  return items.reduce((max, item) => Math.max(max, item.id), 0) + 1;
}
