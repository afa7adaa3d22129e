/**
 * The forge port: everything cairn asks of GitHub (or of the local stand-in) goes through this
 * interface. Domain code receives a `Forge` in its options and never imports Octokit.
 *
 * Two adapters implement it: `LocalForge` (branches and merges in a plain git repository,
 * pull-request records kept under `.git/cairn-forge/`, approvals given through the CLI) and the
 * GitHub adapter (REST through `@actions/github`).
 */
export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  /** Branch the change lives on. */
  head: string;
  /** Branch it merges into. */
  base: string;
  /** Commit at the tip of `head` when the record was last read. */
  headSha: string;
  state: PullRequestState;
  labels: string[];
  author: string;
  /** The author is an app or bot account (GitHub: user type "Bot"; local: a login ending in "[bot]"). */
  authorIsBot: boolean;
  /** Commit created on `base` by the merge, once merged. */
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Comment {
  id: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';

export interface Review {
  id: number;
  reviewer: string;
  /** The reviewer is an app or bot account, whose approval a manual review check does not count. */
  reviewerIsBot: boolean;
  state: ReviewState;
  body: string;
  /** The head commit the review was given on; an approval of an older commit is stale. */
  commitSha: string;
  submittedAt: string;
}

export type CheckState = 'pending' | 'success' | 'failure';

export interface CommitStatus {
  context: string;
  state: CheckState;
  description: string;
  sha: string;
}

export interface OpenPullRequestInput {
  head: string;
  base: string;
  title: string;
  body: string;
  labels?: string[];
}

export type MergeMethod = 'merge' | 'squash';

export interface MergeOptions {
  method?: MergeMethod;
  commitTitle?: string;
  /**
   * Merge only if the head is still this commit, so that an approval of one commit is never
   * merged together with a later push; otherwise the merge is refused with a ForgeError.
   */
  sha?: string;
}

/** A pull request just merged: its merge commit is known. */
export type MergedPullRequest = PullRequest & { state: 'merged'; mergeCommitSha: string };

export interface Forge {
  /** Name shown in reports, e.g. "local" or "github:owner/repo". */
  readonly name: string;
  openPullRequest(input: OpenPullRequestInput): Promise<PullRequest>;
  getPullRequest(number: number): Promise<PullRequest>;
  listPullRequests(filter?: { state?: PullRequestState | 'all'; head?: string; label?: string }): Promise<PullRequest[]>;
  updatePullRequest(number: number, patch: { title?: string; body?: string }): Promise<PullRequest>;
  closePullRequest(number: number): Promise<PullRequest>;
  mergePullRequest(number: number, options?: MergeOptions): Promise<MergedPullRequest>;
  addLabels(number: number, labels: string[]): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  listComments(number: number): Promise<Comment[]>;
  /**
   * Creates the comment, or edits in place the one that carries `marker` (a hidden HTML comment),
   * so that a pull request holds one bot comment however often a check runs.
   */
  upsertComment(number: number, marker: string, body: string): Promise<Comment>;
  /** Removes the comment `upsertComment` would edit for `marker`; does nothing when there is none. */
  deleteComment(number: number, marker: string): Promise<void>;
  /**
   * The paths the pull request changes between its merge base and its head, sorted; a rename
   * lists both the old and the new path.
   */
  listChangedFiles(number: number): Promise<string[]>;
  listReviews(number: number): Promise<Review[]>;
  /** Records a review. The local adapter uses it for `cairn pr approve`; on GitHub it posts a review. */
  submitReview(number: number, review: { state: ReviewState; body?: string; reviewer?: string }): Promise<Review>;
  /** Sets a commit status (a check) on a commit. */
  setStatus(status: CommitStatus): Promise<void>;
  getStatuses(sha: string): Promise<CommitStatus[]>;
}

/** The hidden marker cairn puts in its bot comments: `<!-- cairn:<key> -->`. */
export function commentMarker(key: string): string {
  return `<!-- cairn:${key} -->`;
}
