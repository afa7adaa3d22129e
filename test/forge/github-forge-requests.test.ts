import { describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/forge/port.js';
import { REPO, TIPS, useFakeGitHub } from './github-harness.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const BRANCHES = Object.fromEntries(range(101).map((i) => [`topic-${i}`, i.toString(16).padStart(40, '0')]));
const FILES = range(150).map((i) => `data/${String(i).padStart(3, '0')}.json`);
const h = useFakeGitHub({ branches: { ...TIPS, ...BRANCHES }, changedFiles: { 'feature-b': FILES } });
const [A, B] = [TIPS['feature-a'], TIPS['feature-b']];

/** Opens #1 from feature-a and forgets the requests that took. */
async function openOne(labels?: string[]): Promise<void> {
  await h.forge.openPullRequest({ head: 'feature-a', base: 'main', title: 'Add a', body: 'Why.', labels });
  h.sent();
}

describe('GitHubForge sends exactly these requests', () => {
  it('opens, then labels in a second request, since pulls.create takes no labels', async () => {
    await h.forge.openPullRequest({ head: 'feature-a', base: 'main', title: 'Add a', body: 'Why.', labels: ['cairn', 'cairn'] });
    await h.forge.openPullRequest({ head: 'feature-b', base: 'main', title: 'Add b', body: '' });
    expect(h.sent()).toEqual([
      ['POST', `${REPO}/pulls`, { head: 'feature-a', base: 'main', title: 'Add a', body: 'Why.' }],
      ['POST', `${REPO}/issues/1/labels`, { labels: ['cairn'] }],
      ['POST', `${REPO}/pulls`, { head: 'feature-b', base: 'main', title: 'Add b', body: '' }],
    ]);
  });

  it('reads, lists, edits and closes', async () => {
    await openOne();
    await h.forge.getPullRequest(1);
    await h.forge.listPullRequests({ state: 'merged', head: 'feature-a' });
    await h.forge.updatePullRequest(1, { body: 'New.' });
    await h.forge.closePullRequest(1);
    expect(h.sent()).toEqual([
      ['GET', `${REPO}/pulls/1`, null],
      ['GET', `${REPO}/pulls?state=closed&head=acme%3Afeature-a&sort=created&direction=asc&per_page=100`, null],
      ['PATCH', `${REPO}/pulls/1`, { body: 'New.' }],
      ['GET', `${REPO}/pulls/1`, null],
      ['PATCH', `${REPO}/pulls/1`, { state: 'closed' }],
    ]);
  });

  it('merges with the head it was told, then reads the result', async () => {
    await openOne();
    await h.forge.mergePullRequest(1, { sha: A });
    expect(h.sent()).toEqual([
      ['PUT', `${REPO}/pulls/1/merge`, { merge_method: 'merge', sha: A }],
      ['GET', `${REPO}/pulls/1`, null],
    ]);
  });

  it('labels and unlabels, the label name escaped in the path', async () => {
    await openOne(['needs review']);
    await h.forge.addLabels(1, ['b', 'b']);
    await h.forge.removeLabel(1, 'needs review');
    expect(h.sent()).toEqual([
      ['POST', `${REPO}/issues/1/labels`, { labels: ['b'] }],
      ['DELETE', `${REPO}/issues/1/labels/needs%20review`, null],
    ]);
  });

  it('creates, edits and deletes the marked comment, reading the comments first each time', async () => {
    await openOne();
    const marker = commentMarker('plan:2');
    await h.forge.upsertComment(1, marker, 'one');
    await h.forge.upsertComment(1, marker, 'two');
    await h.forge.deleteComment(1, marker);
    await h.forge.deleteComment(1, marker);
    const list = ['GET', `${REPO}/issues/1/comments?per_page=100`, null];
    expect(h.sent()).toEqual([
      list,
      ['POST', `${REPO}/issues/1/comments`, { body: `${marker}\none` }],
      list,
      ['PATCH', `${REPO}/issues/comments/1`, { body: `${marker}\ntwo` }],
      list,
      ['DELETE', `${REPO}/issues/comments/1`, null],
      list,
    ]);
  });

  it('reviews the head commit, lists reviews and changed files, sets and reads statuses', async () => {
    await openOne();
    await h.connect('alice-token').submitReview(1, { state: 'CHANGES_REQUESTED', body: 'Not yet.' });
    await h.forge.listReviews(1);
    await h.forge.listChangedFiles(1);
    await h.forge.setStatus({ sha: A, context: 'cairn/gate', state: 'failure', description: 'recall below 0.9' });
    await h.forge.getStatuses(A);
    expect(h.sent()).toEqual([
      ['GET', `${REPO}/pulls/1`, null],
      ['POST', `${REPO}/pulls/1/reviews`, { commit_id: A, event: 'REQUEST_CHANGES', body: 'Not yet.' }],
      ['GET', `${REPO}/pulls/1/reviews?per_page=100`, null],
      ['GET', `${REPO}/pulls/1/files?per_page=100`, null],
      ['POST', `${REPO}/statuses/${A}`, { state: 'failure', description: 'recall below 0.9', context: 'cairn/gate' }],
      ['GET', `${REPO}/commits/${A}/statuses?per_page=100`, null],
    ]);
  });
});

describe('GitHubForge reads every page', () => {
  const pages = (path: string, count: number) =>
    range(count).map((page) => ['GET', `${REPO}${path}?per_page=100${page === 1 ? '' : `&page=${page}`}`, null]);

  it('of pull requests', async () => {
    for (const head of Object.keys(BRANCHES)) await h.forge.openPullRequest({ head, base: 'main', title: head, body: '' });
    h.sent();
    expect((await h.forge.listPullRequests()).map((pr) => pr.number)).toEqual(range(101));
    const query = 'state=open&sort=created&direction=asc&per_page=100';
    expect(h.sent()).toEqual([
      ['GET', `${REPO}/pulls?${query}`, null],
      ['GET', `${REPO}/pulls?${query}&page=2`, null],
    ]);
  });

  it('of reviews', async () => {
    await openOne();
    for (const _ of range(101)) await h.connect('alice-token').submitReview(1, { state: 'COMMENTED', body: 'Hm.' });
    h.sent();
    expect((await h.forge.listReviews(1)).map((r) => r.id)).toEqual(range(101));
    expect(h.sent()).toEqual(pages('/pulls/1/reviews', 2));
  });

  it('of comments, and edits the marked one on the last page', async () => {
    await openOne();
    const marker = commentMarker('report');
    h.github.seedComments(1, range(250).map((i) => (i === 230 ? `${marker}\nold` : `comment ${i}`)));
    expect((await h.forge.listComments(1)).map((c) => c.id)).toEqual(range(250));
    expect(h.sent()).toEqual(pages('/issues/1/comments', 3));
    expect(await h.forge.upsertComment(1, marker, 'new')).toMatchObject({ id: 230, body: `${marker}\nnew`, author: 'someone' });
    expect(h.github.comments).toHaveLength(250);
  });

  it('of changed files', async () => {
    await h.forge.openPullRequest({ head: 'feature-b', base: 'main', title: 'Add b', body: '' });
    h.sent();
    expect(await h.forge.listChangedFiles(1)).toEqual(FILES);
    expect(h.sent()).toEqual(pages('/pulls/1/files', 2));
  });

  it('of statuses', async () => {
    for (const i of range(101)) await h.forge.setStatus({ sha: B, context: `check-${i}`, state: 'success', description: '' });
    h.sent();
    expect((await h.forge.getStatuses(B)).map((s) => s.context)).toEqual(range(101).map((i) => `check-${i}`));
    expect(h.sent()).toEqual([
      ['GET', `${REPO}/commits/${B}/statuses?per_page=100`, null],
      ['GET', `${REPO}/commits/${B}/statuses?per_page=100&page=2`, null],
    ]);
  });
});
