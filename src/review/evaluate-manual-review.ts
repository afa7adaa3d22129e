import type { CheckState, PullRequest, Review } from '../forge/port.js';

export interface ManualReviewApproval {
  by: string;
  at: string;
  pull_request: number;
  commit: string;
}

export interface ManualReviewCheck {
  state: CheckState;
  description: string;
  /** The approval that satisfies the check, to be recorded in the rollout state. */
  approval: ManualReviewApproval | null;
}

export interface ManualReviewOptions {
  pullRequest: Pick<PullRequest, 'number' | 'author' | 'headSha'>;
  reviews: readonly Review[];
  /**
   * Commits whose approval still counts for the head: the head itself and, when the head is
   * cairn's own commit that only records an approval, the commit that was approved.
   */
  approvedCommits?: readonly string[];
  /** Logins that are automation besides those the forge marks as bots (a PAT of a machine user, say). */
  bots?: readonly string[];
}

/**
 * The `cairn/gate` check of a promotion that needs a manual review. It passes once a person other
 * than the pull request's author, and not a bot, approves the pull request on its current head:
 * a push after the approval makes it stale. A reviewer's latest review is the one that counts, as
 * on GitHub; a latest "changes requested" from an eligible reviewer fails the check until that
 * reviewer approves.
 */
export function evaluateManualReview(options: ManualReviewOptions): ManualReviewCheck {
  const { pullRequest } = options;
  const current = new Set([pullRequest.headSha, ...(options.approvedCommits ?? [])]);
  const bots = new Set((options.bots ?? []).map((login) => login.toLowerCase()));
  const isBot = (review: Review) => review.reviewerIsBot || bots.has(review.reviewer.toLowerCase());

  const latest = new Map<string, Review>();
  for (const review of [...options.reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id - b.id)) {
    if (review.state !== 'COMMENTED') latest.set(review.reviewer, review);
  }
  const eligible = [...latest.values()].filter((review) => review.reviewer !== pullRequest.author && !isBot(review));
  const blocking = eligible.find((review) => review.state === 'CHANGES_REQUESTED');
  if (blocking) return { state: 'failure', description: `changes requested by ${blocking.reviewer}`, approval: null };

  const approval = eligible.find((review) => review.state === 'APPROVED' && current.has(review.commitSha));
  if (approval) {
    return {
      state: 'success',
      description: `approved by ${approval.reviewer}`,
      approval: { by: approval.reviewer, at: approval.submittedAt, pull_request: pullRequest.number, commit: approval.commitSha },
    };
  }
  const stale = eligible.find((review) => review.state === 'APPROVED');
  const ignored = [...latest.values()].filter((review) => review.state === 'APPROVED' && !eligible.includes(review)).map((review) => review.reviewer);
  const why = stale
    ? `the approval by ${stale.reviewer} is for ${stale.commitSha.slice(0, 7)}, not the head ${pullRequest.headSha.slice(0, 7)}`
    : ignored.length > 0
      ? `approvals by ${ignored.join(', ')} do not count (the author or a bot)`
      : 'no approval yet';
  return { state: 'pending', description: `waiting for a review by someone other than ${pullRequest.author}: ${why}`, approval: null };
}
