import { describe, expect, it } from 'vitest';
import { ForgeError, NotFoundError, UsageError } from '../../src/errors.js';
import { commentMarker, type Forge } from '../../src/forge/port.js';
import { reviewJson, statusJson } from './github-pull-json.js';
import { userJson } from './github-json.js';
import { NOW, REPO, rejection, TIPS, useFakeGitHub } from './github-harness.js';

const CHANGED = { 'feature-a': ['models/a.json', ['rollout/b.yaml', 'rollout/old-b.yaml']] as Array<string | [string, string]> };
const h = useFakeGitHub({ changedFiles: CHANGED });
const open = (head: string, labels?: string[]) => h.forge.openPullRequest({ head, base: 'main', title: `From ${head}`, body: 'Why.', labels });

describe('GitHubForge keeps the Forge contract', () => {
  it('opens pull requests numbered from 1 and refuses a second one for the same branches', async () => {
    expect(await open('feature-a', ['cairn', 'cairn'])).toEqual({
      number: 1,
      title: 'From feature-a',
      body: 'Why.',
      head: 'feature-a',
      base: 'main',
      headSha: TIPS['feature-a'],
      state: 'open',
      labels: ['cairn'],
      author: 'cairn-bot',
      authorIsBot: true,
      mergeCommitSha: null,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(await rejection(open('feature-a'))).toMatchObject({
      code: 'E_FORGE',
      message: 'GitHub could not open a pull request from feature-a into main (422): Validation Failed: A pull request already exists for acme:feature-a.',
    });
    expect((await open('feature-b')).number).toBe(2);
    expect(await rejection(h.forge.getPullRequest(3))).toMatchObject({ code: 'E_NOT_FOUND', message: 'pull request #3 does not exist' });
    await expect(h.forge.openPullRequest({ head: 'main', base: 'main', title: 'T', body: '' })).rejects.toThrow(UsageError);
    expect(await rejection(open('no-such-branch'))).toMatchObject({ code: 'E_NOT_FOUND', message: 'branch "no-such-branch" does not exist' });
  });

  it('lists by state, head and label, oldest first', async () => {
    await open('feature-a', ['rollout']);
    await open('feature-b');
    await h.forge.closePullRequest(2);
    const numbers = async (filter?: Parameters<Forge['listPullRequests']>[0]) => (await h.forge.listPullRequests(filter)).map((pr) => pr.number);
    expect(await numbers()).toEqual([1]);
    expect(await numbers({ state: 'closed' })).toEqual([2]);
    expect(await numbers({ state: 'all' })).toEqual([1, 2]);
    expect(await numbers({ state: 'all', head: 'feature-b' })).toEqual([2]);
    expect(await numbers({ state: 'all', label: 'rollout' })).toEqual([1]);
    await h.forge.mergePullRequest(1);
    expect([await numbers({ state: 'merged' }), await numbers({ state: 'closed' })]).toEqual([[1], [2]]);
  });

  it('keeps one bot comment per marker, edited in place, and deletes it by marker', async () => {
    await open('feature-a');
    const marker = commentMarker('report');
    const first = await h.forge.upsertComment(1, marker, 'first');
    expect(first).toEqual({ id: 1, body: `${marker}\nfirst`, author: 'cairn-bot', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
    await h.forge.upsertComment(1, marker, `${marker}\nsecond`);
    await h.forge.upsertComment(1, commentMarker('other'), 'other');
    expect((await h.forge.listComments(1)).map((c) => [c.id, c.body])).toEqual([
      [1, `${marker}\nsecond`],
      [2, `${commentMarker('other')}\nother`],
    ]);
    await h.forge.deleteComment(1, marker);
    await h.forge.deleteComment(1, marker);
    expect((await h.forge.listComments(1)).map((c) => c.id)).toEqual([2]);
    await expect(h.forge.deleteComment(1, '')).rejects.toThrow(UsageError);
  });

  it("records reviews on the head commit as the token's user, whatever reviewer is named, and knows a bot by its type", async () => {
    await open('feature-a');
    const approval = await h.connect('alice-token').submitReview(1, { state: 'APPROVED', reviewer: 'somebody-else' });
    const commitSha = TIPS['feature-a'];
    expect(approval).toEqual({ id: 1, reviewer: 'alice', reviewerIsBot: false, state: 'APPROVED', body: '', commitSha, submittedAt: NOW.toISOString() });
    await expect(h.forge.submitReview(1, { state: 'CHANGES_REQUESTED' })).rejects.toThrow(UsageError);
    expect(await h.forge.submitReview(1, { state: 'COMMENTED', body: 'ok' })).toMatchObject({ reviewer: 'cairn-bot', reviewerIsBot: true });
    expect((await h.forge.listReviews(1)).map((r) => [r.reviewer, r.reviewerIsBot, r.state])).toEqual([
      ['alice', false, 'APPROVED'],
      ['cairn-bot', true, 'COMMENTED'],
    ]);
    await expect(h.forge.submitReview(1, { state: 'APPROVED' })).rejects.toThrow(/Can not approve your own pull request/);
  });

  it('adds labels once and refuses to remove a missing one', async () => {
    await open('feature-a', ['a']);
    await h.forge.addLabels(1, ['b', 'a']);
    await h.forge.removeLabel(1, 'a');
    expect((await h.forge.getPullRequest(1)).labels).toEqual(['b']);
    const missing = { code: 'E_NOT_FOUND', message: '#1 has no label "a"', data: { status: 404 } };
    expect(await rejection(h.forge.removeLabel(1, 'a'))).toMatchObject(missing);
  });

  it('updates, closes and then refuses to review or merge', async () => {
    await open('feature-a');
    expect(await h.forge.updatePullRequest(1, { body: 'New body.' })).toMatchObject({ title: 'From feature-a', body: 'New body.' });
    expect((await h.forge.closePullRequest(1)).state).toBe('closed');
    expect((await h.forge.closePullRequest(1)).state).toBe('closed');
    await expect(h.forge.submitReview(1, { state: 'APPROVED' })).rejects.toThrow(ForgeError);
    await expect(h.forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('merges onto the base branch once and answers with the merge commit', async () => {
    await open('feature-a');
    const merged = await h.forge.mergePullRequest(1, { method: 'squash', commitTitle: 'Add a (#1)' });
    expect(merged).toMatchObject({ state: 'merged', mergeCommitSha: h.github.branchSha('main'), headSha: TIPS['feature-a'] });
    expect(await h.forge.getPullRequest(1)).toEqual(merged);
    await expect(h.forge.closePullRequest(1)).rejects.toThrow(ForgeError);
    await expect(h.forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('merges only the head commit it is told to, so a later push needs a new approval', async () => {
    await open('feature-a');
    const pushed = 'f'.repeat(40);
    h.github.push('feature-a', pushed);
    expect(await rejection(h.forge.mergePullRequest(1, { sha: TIPS['feature-a'] }))).toEqual({
      code: 'E_FORGE',
      message: `#1 was not merged: its head is no longer ${TIPS['feature-a']} (Head branch was modified. Review and try the merge again.)`,
      data: { number: 1, expected: TIPS['feature-a'], status: 409 },
    });
    expect(h.github.branchSha('main')).toBe(TIPS.main);
    await expect(h.forge.mergePullRequest(1, { sha: 'abc' })).rejects.toThrow(UsageError);
    expect(await h.forge.mergePullRequest(1, { sha: pushed })).toMatchObject({ state: 'merged', headSha: pushed });
  });

  it('lists the paths a pull request changes, both paths of a rename, before and after the merge', async () => {
    await open('feature-a');
    await open('feature-b');
    const paths = ['models/a.json', 'rollout/b.yaml', 'rollout/old-b.yaml'];
    expect(await h.forge.listChangedFiles(1)).toEqual(paths);
    await h.forge.mergePullRequest(1);
    expect([await h.forge.listChangedFiles(1), await h.forge.listChangedFiles(2)]).toEqual([paths, []]);
    expect(await rejection(h.forge.listChangedFiles(3))).toMatchObject({ code: 'E_NOT_FOUND', message: 'pull request #3 does not exist' });
  });

  it('keeps the latest status per context, in the order contexts first appeared', async () => {
    const sha = TIPS['feature-a'];
    await h.forge.setStatus({ sha, context: 'cairn/verify', state: 'pending', description: '' });
    await h.forge.setStatus({ sha, context: 'cairn/approval', state: 'success', description: 'approved' });
    await h.forge.setStatus({ sha, context: 'cairn/verify', state: 'success', description: 'clean' });
    expect(await h.forge.getStatuses(sha)).toEqual([
      { sha, context: 'cairn/verify', state: 'success', description: 'clean' },
      { sha, context: 'cairn/approval', state: 'success', description: 'approved' },
    ]);
    await expect(h.forge.setStatus({ sha: 'd'.repeat(40), context: 'c', state: 'success', description: '' })).rejects.toThrow(NotFoundError);
    await expect(h.forge.setStatus({ sha: 'abc', context: 'c', state: 'success', description: '' })).rejects.toThrow(UsageError);
  });
});

describe('GitHubForge reads what GitHub records', () => {
  it('leaves pending and dismissed reviews out', async () => {
    await open('feature-a');
    const review = (id: number, state: string, extra = {}) =>
      reviewJson(h.github.site, { id, pull: 1, user: userJson(h.github.site, 'alice'), body: '', state, commit_id: TIPS['feature-a'], ...extra });
    h.github.answerNext('GET', `${REPO}/pulls/1/reviews`, 200, [
      review(1, 'DISMISSED', { submitted_at: '2024-05-01T10:00:00Z' }),
      review(2, 'PENDING'),
      review(3, 'CHANGES_REQUESTED', { body: 'no', submitted_at: '2024-05-01T11:00:00Z' }),
    ]);
    expect(await h.forge.listReviews(1)).toEqual([
      { id: 3, reviewer: 'alice', reviewerIsBot: false, state: 'CHANGES_REQUESTED', body: 'no', commitSha: TIPS['feature-a'], submittedAt: '2024-05-01T11:00:00.000Z' },
    ]);
  });

  it("counts GitHub's error state as a failure", async () => {
    const creator = userJson(h.github.site, 'ci');
    const status = statusJson(h.github.site, { id: 1, sha: TIPS.main, state: 'error', description: null, context: 'ci', creator, at: '2024-05-01T10:00:00Z' });
    h.github.answerNext('GET', `${REPO}/commits/${TIPS.main}/statuses`, 200, [status]);
    expect(await h.forge.getStatuses(TIPS.main)).toEqual([{ sha: TIPS.main, context: 'ci', state: 'failure', description: '' }]);
  });
});
