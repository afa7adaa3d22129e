import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, isCairnError, NotFoundError, UsageError } from '../../src/errors.js';
import { GitHubForge, gitHubForgeFromEnv, gitHubOptionsFromEnv } from '../../src/forge/github-forge.js';
import { commentMarker, type Forge } from '../../src/forge/port.js';
import { FakeGitHub } from './github-server.js';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const TIPS = { main: 'a'.repeat(40), 'feature-a': 'b'.repeat(40), 'feature-b': 'c'.repeat(40) };
const TOKENS = { 'bot-token': 'cairn-bot', 'alice-token': 'alice' };
const REPO = '/repos/acme/models';

/** Every adapter in these tests gets this transport: a request for any other host fails before it is sent. */
const loopbackOnly: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1') return Promise.reject(new Error(`test transport refused ${url.origin}`));
  return fetch(input, init);
};

let github: FakeGitHub;
let forge: GitHubForge;
const connect = (token = 'bot-token', baseUrl = github.url) =>
  new GitHubForge({ token, owner: 'acme', repo: 'models', baseUrl, fetch: loopbackOnly });
const open = (head: string, labels?: string[]) => forge.openPullRequest({ head, base: 'main', title: `From ${head}`, body: 'Why.', labels });
const sent = () => github.requests.map((r) => [r.method, r.path, r.body]);

/** What `promise` was rejected with, as a cairn error's JSON: code, message and data. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => Promise.reject(new Error('expected a rejection')),
    (error: unknown) => (isCairnError(error) ? error.toJSON() : error),
  );

beforeEach(async () => {
  github = await FakeGitHub.start({ owner: 'acme', repo: 'models', tokens: TOKENS, branches: TIPS, now: () => NOW });
  forge = connect();
});
afterEach(() => github.close());

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
      mergeCommitSha: null,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(await rejection(open('feature-a'))).toMatchObject({
      code: 'E_FORGE',
      message: 'GitHub could not open a pull request from feature-a into main (422): Validation Failed: A pull request already exists for acme:feature-a.',
    });
    expect((await open('feature-b')).number).toBe(2);
    expect(await rejection(forge.getPullRequest(3))).toMatchObject({ code: 'E_NOT_FOUND', message: 'pull request #3 does not exist' });
    await expect(forge.openPullRequest({ head: 'main', base: 'main', title: 'T', body: '' })).rejects.toThrow(UsageError);
    expect(await rejection(open('no-such-branch'))).toMatchObject({ code: 'E_NOT_FOUND', message: 'branch "no-such-branch" does not exist' });
  });

  it('lists by state, head and label, oldest first', async () => {
    await open('feature-a', ['rollout']);
    await open('feature-b');
    await forge.closePullRequest(2);
    const numbers = async (filter?: Parameters<Forge['listPullRequests']>[0]) => (await forge.listPullRequests(filter)).map((pr) => pr.number);
    expect(await numbers()).toEqual([1]);
    expect(await numbers({ state: 'closed' })).toEqual([2]);
    expect(await numbers({ state: 'all' })).toEqual([1, 2]);
    expect(await numbers({ state: 'all', head: 'feature-b' })).toEqual([2]);
    expect(await numbers({ state: 'all', label: 'rollout' })).toEqual([1]);
    await forge.mergePullRequest(1);
    expect([await numbers({ state: 'merged' }), await numbers({ state: 'closed' })]).toEqual([[1], [2]]);
    expect(github.requests.find((r) => r.method === 'GET' && r.path === `${REPO}/pulls` && r.query.head)?.query).toEqual({
      state: 'all',
      head: 'acme:feature-b',
      sort: 'created',
      direction: 'asc',
      per_page: '100',
    });
  });

  it('keeps one bot comment per marker, edited in place', async () => {
    await open('feature-a');
    const marker = commentMarker('report');
    const first = await forge.upsertComment(1, marker, 'first');
    expect(first).toEqual({ id: 1, body: `${marker}\nfirst`, author: 'cairn-bot', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
    await forge.upsertComment(1, marker, `${marker}\nsecond`);
    await forge.upsertComment(1, commentMarker('other'), 'other');
    expect((await forge.listComments(1)).map((c) => [c.id, c.body])).toEqual([
      [1, `${marker}\nsecond`],
      [2, `${commentMarker('other')}\nother`],
    ]);
    expect(github.requests.map((r) => [r.method, r.path])).toContainEqual(['PATCH', `${REPO}/issues/comments/1`]);
  });

  it("records reviews on the head commit as the token's user, whatever reviewer is named", async () => {
    await open('feature-a');
    const approval = await connect('alice-token').submitReview(1, { state: 'APPROVED', reviewer: 'somebody-else' });
    const commitSha = TIPS['feature-a'];
    expect(approval).toEqual({ id: 1, reviewer: 'alice', state: 'APPROVED', body: '', commitSha, submittedAt: NOW.toISOString() });
    expect(sent().at(-1)).toEqual(['POST', `${REPO}/pulls/1/reviews`, { commit_id: commitSha, event: 'APPROVE' }]);
    await expect(forge.submitReview(1, { state: 'CHANGES_REQUESTED' })).rejects.toThrow(UsageError);
    expect((await forge.submitReview(1, { state: 'COMMENTED', body: 'ok' })).reviewer).toBe('cairn-bot');
    expect((await forge.listReviews(1)).map((r) => r.state)).toEqual(['APPROVED', 'COMMENTED']);
    await expect(forge.submitReview(1, { state: 'APPROVED' })).rejects.toThrow(/Can not approve your own pull request/);
  });

  it('adds labels once and refuses to remove a missing one', async () => {
    await open('feature-a', ['a']);
    await forge.addLabels(1, ['b', 'a']);
    await forge.removeLabel(1, 'a');
    expect((await forge.getPullRequest(1)).labels).toEqual(['b']);
    const missing = { code: 'E_NOT_FOUND', message: '#1 has no label "a"', data: { status: 404 } };
    expect(await rejection(forge.removeLabel(1, 'a'))).toMatchObject(missing);
  });

  it('updates, closes and then refuses to review or merge', async () => {
    await open('feature-a');
    expect(await forge.updatePullRequest(1, { body: 'New body.' })).toMatchObject({ title: 'From feature-a', body: 'New body.' });
    expect((await forge.closePullRequest(1)).state).toBe('closed');
    expect((await forge.closePullRequest(1)).state).toBe('closed');
    await expect(forge.submitReview(1, { state: 'APPROVED' })).rejects.toThrow(ForgeError);
    await expect(forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('merges onto the base branch once', async () => {
    await open('feature-a');
    const merged = await forge.mergePullRequest(1, { method: 'squash', commitTitle: 'Add a (#1)' });
    expect(merged).toMatchObject({ state: 'merged', mergeCommitSha: github.branchSha('main'), headSha: TIPS['feature-a'] });
    expect(sent().slice(-2)).toEqual([
      ['PUT', `${REPO}/pulls/1/merge`, { merge_method: 'squash', commit_title: 'Add a (#1)' }],
      ['GET', `${REPO}/pulls/1`, null],
    ]);
    await expect(forge.closePullRequest(1)).rejects.toThrow(ForgeError);
    await expect(forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('keeps the latest status per context, in the order contexts first appeared', async () => {
    const sha = TIPS['feature-a'];
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'pending', description: '' });
    await forge.setStatus({ sha, context: 'cairn/approval', state: 'success', description: 'approved' });
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'success', description: 'clean' });
    expect(await forge.getStatuses(sha)).toEqual([
      { sha, context: 'cairn/verify', state: 'success', description: 'clean' },
      { sha, context: 'cairn/approval', state: 'success', description: 'approved' },
    ]);
    expect(sent()[0]).toEqual(['POST', `${REPO}/statuses/${sha}`, { state: 'pending', description: '', context: 'cairn/verify' }]);
    await expect(forge.setStatus({ sha: 'd'.repeat(40), context: 'c', state: 'success', description: '' })).rejects.toThrow(NotFoundError);
    await expect(forge.setStatus({ sha: 'abc', context: 'c', state: 'success', description: '' })).rejects.toThrow(UsageError);
  });
});

describe('GitHubForge against GitHub specifics', () => {
  it('opens with labels in a second request, since pulls.create takes none', async () => {
    await open('feature-a', ['cairn']);
    expect(sent()).toEqual([
      ['POST', `${REPO}/pulls`, { head: 'feature-a', base: 'main', title: 'From feature-a', body: 'Why.' }],
      ['POST', `${REPO}/issues/1/labels`, { labels: ['cairn'] }],
    ]);
  });

  it('reads every page of more than 100 comments and edits the marked one on the last page', async () => {
    await open('feature-a');
    const marker = commentMarker('report');
    github.seedComments(1, Array.from({ length: 250 }, (_, i) => (i === 229 ? `${marker}\nold` : `comment ${i + 1}`)));
    expect((await forge.listComments(1)).map((c) => c.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(github.requests.filter((r) => r.method === 'GET').map((r) => r.query)).toEqual([
      { per_page: '100' },
      { per_page: '100', page: '2' },
      { per_page: '100', page: '3' },
    ]);
    expect(await forge.upsertComment(1, marker, 'new')).toMatchObject({ id: 230, body: `${marker}\nnew`, author: 'someone' });
    expect(github.comments).toHaveLength(250);
  });

  it("maps a refused merge to a ForgeError with GitHub's message", async () => {
    await open('feature-a');
    const notMergeable = { message: 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest' };
    github.answerNext('PUT', `${REPO}/pulls/1/merge`, 405, notMergeable);
    expect(await rejection(forge.mergePullRequest(1))).toEqual({
      code: 'E_FORGE',
      message: 'GitHub could not merge pull request #1 (405): Pull Request is not mergeable',
      data: { action: 'merge pull request #1', status: 405, method: 'PUT', url: `${github.url}${REPO}/pulls/1/merge` },
    });
    github.answerNext('PUT', `${REPO}/pulls/1/merge`, 409, { message: 'Head branch was modified. Review and try the merge again.' });
    expect(await rejection(forge.mergePullRequest(1))).toMatchObject({
      message: 'GitHub could not merge pull request #1 (409): Head branch was modified. Review and try the merge again.',
    });
  });

  it('says which permissions a refused token needs', async () => {
    await open('feature-a');
    expect(await rejection(connect('expired-token').mergePullRequest(1))).toMatchObject({
      code: 'E_FORGE',
      message: 'GitHub refused the token (401 Bad credentials) when trying to merge pull request #1; the token needs contents: write and pull-requests: write',
      data: { status: 401, permissions: 'contents: write and pull-requests: write' },
    });
    github.answerNext('POST', `${REPO}/statuses/${TIPS.main}`, 403, { message: 'Resource not accessible by integration' });
    await expect(forge.setStatus({ sha: TIPS.main, context: 'c', state: 'success', description: '' })).rejects.toThrow(
      /refused the token \(403 Resource not accessible by integration\).*the token needs statuses: write$/,
    );
  });

  it('names the URL when GitHub cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}${REPO}/pulls/1`;
    expect(await rejection(connect('bot-token', `http://127.0.0.1:${port}`).getPullRequest(1))).toEqual({
      code: 'E_FORGE',
      message: `could not reach GitHub at ${url} to read pull request #1: connect ECONNREFUSED 127.0.0.1:${port}`,
      data: { action: 'read pull request #1', method: 'GET', url },
    });
  });

  it('never sends a request beyond 127.0.0.1', async () => {
    expect(await rejection(connect('bot-token', 'https://api.github.com').getPullRequest(1))).toMatchObject({
      message: 'could not reach GitHub at https://api.github.com/repos/acme/models/pulls/1 to read pull request #1: test transport refused https://api.github.com',
    });
    expect(github.requests).toEqual([]);
  });

  it('leaves pending and dismissed reviews out', async () => {
    await open('feature-a');
    const review = (id: number, state: string, extra = {}) =>
      ({ id, user: { login: 'alice' }, body: '', state, commit_id: TIPS['feature-a'], ...extra });
    github.answerNext('GET', `${REPO}/pulls/1/reviews`, 200, [
      review(1, 'DISMISSED', { submitted_at: '2024-05-01T10:00:00Z' }),
      review(2, 'PENDING'),
      review(3, 'CHANGES_REQUESTED', { body: 'no', submitted_at: '2024-05-01T11:00:00Z' }),
    ]);
    expect(await forge.listReviews(1)).toEqual([
      { id: 3, reviewer: 'alice', state: 'CHANGES_REQUESTED', body: 'no', commitSha: TIPS['feature-a'], submittedAt: '2024-05-01T11:00:00.000Z' },
    ]);
  });

  it("counts GitHub's error state as a failure", async () => {
    github.answerNext('GET', `${REPO}/commits/${TIPS.main}/statuses`, 200, [{ state: 'error', description: null, context: 'ci' }]);
    expect(await forge.getStatuses(TIPS.main)).toEqual([{ sha: TIPS.main, context: 'ci', state: 'failure', description: '' }]);
  });
});

describe('gitHubForgeFromEnv', () => {
  const env = { GITHUB_TOKEN: 'workflow-token', GITHUB_REPOSITORY: 'acme/models' };

  it('reads the token, the repository and the API URL, preferring CAIRN_GITHUB_TOKEN', () => {
    expect(gitHubOptionsFromEnv(env)).toEqual({ token: 'workflow-token', owner: 'acme', repo: 'models', baseUrl: 'https://api.github.com' });
    const enterprise = { ...env, CAIRN_GITHUB_TOKEN: 'app-token', GITHUB_API_URL: 'https://ghe.example/api/v3' };
    expect(gitHubOptionsFromEnv(enterprise)).toMatchObject({ token: 'app-token', baseUrl: 'https://ghe.example/api/v3' });
  });

  it('names the missing or malformed variable', () => {
    expect(() => gitHubOptionsFromEnv({ GITHUB_REPOSITORY: 'acme/models' })).toThrow(/GITHUB_TOKEN \(or CAIRN_GITHUB_TOKEN\) is required/);
    expect(() => gitHubOptionsFromEnv({ GITHUB_TOKEN: 't' })).toThrow(/^environment variable GITHUB_REPOSITORY is required/);
    expect(() => gitHubOptionsFromEnv({ ...env, GITHUB_REPOSITORY: 'models' })).toThrow(UsageError);
  });

  it('builds an adapter that talks to GITHUB_API_URL', async () => {
    const fromEnv = gitHubForgeFromEnv({ GITHUB_TOKEN: 'bot-token', GITHUB_REPOSITORY: 'acme/models', GITHUB_API_URL: github.url });
    expect(fromEnv.name).toBe('github:acme/models');
    expect((await fromEnv.openPullRequest({ head: 'feature-a', base: 'main', title: 'T', body: '' })).author).toBe('cairn-bot');
  });
});
