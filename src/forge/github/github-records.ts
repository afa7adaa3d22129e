import type { CheckState, Comment, CommitStatus, PullRequest, Review, ReviewState } from '../port.js';

/*
 * The fields cairn reads from GitHub's REST answers. Octokit's generated types are assignable to
 * these, so the mapping below stays free of Octokit and can be read against the REST docs.
 */

interface GitHubUser {
  login: string;
  /** "User", "Bot" (an app's account) or "Organization". */
  type: string;
}

export interface GitHubPull {
  number: number;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: ReadonlyArray<{ name?: string }>;
  user: GitHubUser | null;
  created_at: string;
  updated_at: string;
}

export interface GitHubComment {
  id: number;
  body?: string;
  user: GitHubUser | null;
  created_at: string;
  updated_at: string;
}

export interface GitHubReview {
  id: number;
  user: GitHubUser | null;
  state: string;
  body: string;
  commit_id: string | null;
  submitted_at?: string;
}

export interface GitHubFile {
  filename: string;
  /** The old path of a renamed file. */
  previous_filename?: string;
}

export interface GitHubStatus {
  state: string;
  description: string | null;
  context: string;
}

/** How GitHub shows an account that no longer exists. */
const GHOST = 'ghost';

/** A closed pull request with `merged_at` is merged; `merge_commit_sha` of an open one is only a test merge. */
export function toPullRequest(pull: GitHubPull): PullRequest {
  const merged = pull.merged_at !== null;
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body ?? '',
    head: pull.head.ref,
    base: pull.base.ref,
    headSha: pull.head.sha,
    state: pull.state === 'open' ? 'open' : merged ? 'merged' : 'closed',
    labels: labelNames(pull.labels),
    author: pull.user?.login ?? GHOST,
    authorIsBot: isBot(pull.user),
    mergeCommitSha: merged ? pull.merge_commit_sha : null,
    createdAt: isoTime(pull.created_at),
    updatedAt: isoTime(pull.updated_at),
  };
}

export function labelNames(labels: ReadonlyArray<{ name?: string }>): string[] {
  return labels.flatMap((label) => (label.name === undefined ? [] : [label.name]));
}

export function toComment(comment: GitHubComment): Comment {
  return {
    id: comment.id,
    body: comment.body ?? '',
    author: comment.user?.login ?? GHOST,
    createdAt: isoTime(comment.created_at),
    updatedAt: isoTime(comment.updated_at),
  };
}

const REVIEW_STATES: readonly string[] = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED'] satisfies ReviewState[];

function isReviewState(state: string): state is ReviewState {
  return REVIEW_STATES.includes(state);
}

/** Null for PENDING (not yet submitted) and DISMISSED reviews: neither is a verdict. */
export function toReview(review: GitHubReview): Review | null {
  const state = review.state;
  if (!isReviewState(state) || review.submitted_at === undefined) return null;
  return {
    id: review.id,
    reviewer: review.user?.login ?? GHOST,
    reviewerIsBot: isBot(review.user),
    state,
    body: review.body,
    commitSha: review.commit_id ?? '',
    submittedAt: isoTime(review.submitted_at),
  };
}

/** Sorted paths, a rename's old path included: it changes too. */
export function changedPaths(files: readonly GitHubFile[]): string[] {
  const paths = files.flatMap((file) => (file.previous_filename === undefined ? [file.filename] : [file.filename, file.previous_filename]));
  return [...new Set(paths)].sort();
}

/**
 * The latest status of each context, in the order the contexts first appeared (as the local
 * adapter keeps them). GitHub lists statuses newest first. Its `error` state counts as a failure.
 */
export function latestStatuses(sha: string, newestFirst: readonly GitHubStatus[]): CommitStatus[] {
  const byContext = new Map<string, CommitStatus>();
  for (const status of [...newestFirst].reverse()) {
    const state: CheckState = status.state === 'success' || status.state === 'pending' ? status.state : 'failure';
    byContext.set(status.context, { context: status.context, state, description: status.description ?? '', sha });
  }
  return [...byContext.values()];
}

/** A deleted account (ghost) is not a bot. */
function isBot(user: GitHubUser | null): boolean {
  return user?.type === 'Bot';
}

/** GitHub writes `2024-05-01T12:00:00Z`; the port carries `Date#toISOString()` form like the local adapter. */
function isoTime(text: string): string {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? text : time.toISOString();
}
