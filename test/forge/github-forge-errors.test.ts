import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { gitHubForgeFromEnv, gitHubOptionsFromEnv } from '../../src/forge/github-forge.js';
import { DOCS } from './github-json.js';
import { REPO, rejection, TIPS, useFakeGitHub } from './github-harness.js';

const MANY = Array.from({ length: 3000 }, (_, i) => `data/${String(i).padStart(4, '0')}.json`);
const h = useFakeGitHub({ changedFiles: { 'feature-b': MANY } });
const open = (head: string) => h.forge.openPullRequest({ head, base: 'main', title: `From ${head}`, body: 'Why.' });

describe('GitHubForge names what failed', () => {
  it("maps a refused merge to a ForgeError with GitHub's message", async () => {
    await open('feature-a');
    h.github.answerNext('PUT', `${REPO}/pulls/1/merge`, 405, { message: 'Pull Request is not mergeable', documentation_url: DOCS });
    expect(await rejection(h.forge.mergePullRequest(1))).toEqual({
      code: 'E_FORGE',
      message: 'GitHub could not merge pull request #1 (405): Pull Request is not mergeable',
      data: { action: 'merge pull request #1', status: 405, method: 'PUT', url: `${h.github.url}${REPO}/pulls/1/merge` },
    });
    h.github.answerNext('PUT', `${REPO}/pulls/1/merge`, 409, { message: 'Head branch was modified. Review and try the merge again.' });
    expect(await rejection(h.forge.mergePullRequest(1))).toMatchObject({
      message: 'GitHub could not merge pull request #1 (409): Head branch was modified. Review and try the merge again.',
    });
  });

  it('says which permissions a refused token needs', async () => {
    await open('feature-a');
    expect(await rejection(h.connect('expired-token').mergePullRequest(1))).toMatchObject({
      code: 'E_FORGE',
      message: 'GitHub refused the token (401 Bad credentials) when trying to merge pull request #1; the token needs contents: write and pull-requests: write',
      data: { status: 401, permissions: 'contents: write and pull-requests: write' },
    });
    h.github.answerNext('POST', `${REPO}/statuses/${TIPS.main}`, 403, { message: 'Resource not accessible by integration', documentation_url: DOCS });
    await expect(h.forge.setStatus({ sha: TIPS.main, context: 'c', state: 'success', description: '' })).rejects.toThrow(
      /refused the token \(403 Resource not accessible by integration\).*the token needs statuses: write$/,
    );
    h.github.answerNext('DELETE', `${REPO}/issues/comments/1`, 403, { message: 'Resource not accessible by integration', documentation_url: DOCS });
    await h.forge.upsertComment(1, '<!-- m -->', 'x');
    await expect(h.forge.deleteComment(1, '<!-- m -->')).rejects.toThrow(/trying to delete comment 1 of #1; the token needs pull-requests: write$/);
  });

  it('takes a comment deleted meanwhile as deleted', async () => {
    await open('feature-a');
    await h.forge.upsertComment(1, '<!-- m -->', 'x');
    h.github.answerNext('DELETE', `${REPO}/issues/comments/1`, 404, { message: 'Not Found', documentation_url: DOCS });
    await expect(h.forge.deleteComment(1, '<!-- m -->')).resolves.toBeUndefined();
  });

  it('refuses to answer a partial list when a pull request reaches GitHub’s 3,000-file limit', async () => {
    await open('feature-b');
    expect(await rejection(h.forge.listChangedFiles(1))).toEqual({
      code: 'E_FORGE',
      message: '#1 changes 3000 files or more; GitHub lists at most 3000, so the rest are unknown',
      data: { number: 1, listed: 3000 },
    });
  });

  it('names the URL when GitHub cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}${REPO}/pulls/1`;
    expect(await rejection(h.connect('bot-token', `http://127.0.0.1:${port}`).getPullRequest(1))).toEqual({
      code: 'E_FORGE',
      message: `could not reach GitHub at ${url} to read pull request #1: connect ECONNREFUSED 127.0.0.1:${port}`,
      data: { action: 'read pull request #1', method: 'GET', url },
    });
  });

  it('never sends a request beyond 127.0.0.1', async () => {
    expect(await rejection(h.connect('bot-token', 'https://api.github.com').getPullRequest(1))).toMatchObject({
      message: 'could not reach GitHub at https://api.github.com/repos/acme/models/pulls/1 to read pull request #1: test transport refused https://api.github.com',
    });
    expect(h.github.requests).toEqual([]);
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
    const fromEnv = gitHubForgeFromEnv({ GITHUB_TOKEN: 'bot-token', GITHUB_REPOSITORY: 'acme/models', GITHUB_API_URL: h.github.url });
    expect(fromEnv.name).toBe('github:acme/models');
    expect((await fromEnv.openPullRequest({ head: 'feature-a', base: 'main', title: 'T', body: '' })).author).toBe('cairn-bot');
  });
});
