import { describe, expect, it } from 'vitest';
import type { Review } from '../../src/forge/port.js';
import { evaluateManualReview } from '../../src/review/evaluate-manual-review.js';

const HEAD = 'b'.repeat(40);
const OLD = 'a'.repeat(40);
const pullRequest = { number: 7, author: 'cairn-bot', headSha: HEAD };
let id = 0;
const review = (reviewer: string, state: Review['state'], commitSha = HEAD, minute = 0): Review => ({
  id: ++id, reviewer, reviewerIsBot: reviewer.endsWith('[bot]'), state, body: '', commitSha, submittedAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00Z`,
});

describe('the manual review check', () => {
  it('stays pending with no review, and passes once another person approves the head', () => {
    expect(evaluateManualReview({ pullRequest, reviews: [] })).toMatchObject({ state: 'pending', description: expect.stringContaining('no approval yet') });
    expect(evaluateManualReview({ pullRequest, reviews: [review('alice', 'APPROVED')] })).toEqual({
      state: 'success',
      description: 'approved by alice',
      approval: { by: 'alice', at: '2026-12-01T10:00:00Z', pull_request: 7, commit: HEAD },
    });
  });

  it('does not count the author’s own approval or a bot’s', () => {
    const check = evaluateManualReview({ pullRequest, reviews: [review('cairn-bot', 'APPROVED'), review('renovate[bot]', 'APPROVED'), review('deployer', 'APPROVED')], bots: ['deployer'] });
    expect(check.state).toBe('pending');
    expect(check.description).toContain('approvals by cairn-bot, renovate[bot], deployer do not count');
  });

  it('makes an approval stale when the head moves, unless the new head only records that approval', () => {
    const stale = evaluateManualReview({ pullRequest, reviews: [review('alice', 'APPROVED', OLD)] });
    expect(stale.state).toBe('pending');
    expect(stale.description).toContain(`the approval by alice is for aaaaaaa, not the head bbbbbbb`);
    expect(evaluateManualReview({ pullRequest, reviews: [review('alice', 'APPROVED', OLD)], approvedCommits: [OLD] }).state).toBe('success');
  });

  it('takes each reviewer’s latest review: changes requested fail the check until the same reviewer approves', () => {
    expect(evaluateManualReview({ pullRequest, reviews: [review('alice', 'APPROVED', HEAD, 1), review('bob', 'CHANGES_REQUESTED', HEAD, 2)] })).toMatchObject({ state: 'failure', description: 'changes requested by bob' });
    expect(evaluateManualReview({ pullRequest, reviews: [review('bob', 'CHANGES_REQUESTED', HEAD, 1), review('bob', 'APPROVED', HEAD, 3), review('bob', 'COMMENTED', HEAD, 4)] }).state).toBe('success');
  });
});
