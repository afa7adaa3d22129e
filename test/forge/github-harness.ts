import { afterEach, beforeEach, expect } from 'vitest';
import { isCairnError } from '../../src/errors.js';
import { GitHubForge } from '../../src/forge/github-forge.js';
import { FakeGitHub, type FakeGitHubOptions } from './github-server.js';

export const NOW = new Date('2024-05-01T12:00:00.000Z');
export const TIPS = { main: 'a'.repeat(40), 'feature-a': 'b'.repeat(40), 'feature-b': 'c'.repeat(40) };
/** `cairn-bot` is an app account whose login lacks `[bot]`: only GitHub's user type says it is a bot. */
export const TOKENS = { 'bot-token': 'cairn-bot', 'alice-token': 'alice' };
export const REPO = '/repos/acme/models';

/** Every adapter in these tests gets this transport: a request for any other host fails before it is sent. */
export const loopbackOnly: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1') return Promise.reject(new Error(`test transport refused ${url.origin}`));
  return fetch(input, init);
};

export interface GitHubHarness {
  github: FakeGitHub;
  /** The adapter acting as `cairn-bot`. */
  forge: GitHubForge;
  connect(token?: string, baseUrl?: string): GitHubForge;
  /** The requests made so far as `[method, path?query, body]`, which are then forgotten. */
  sent(): Array<[string, string, unknown]>;
}

/**
 * A fake GitHub for each test of the calling file, closed after it; a test fails when the fake saw
 * a request or gave an answer that GitHub's OpenAPI description does not allow.
 */
export function useFakeGitHub(options: Partial<FakeGitHubOptions> = {}): GitHubHarness {
  const harness = {} as GitHubHarness;
  beforeEach(async () => {
    const github = await FakeGitHub.start({ owner: 'acme', repo: 'models', tokens: TOKENS, bots: ['cairn-bot'], branches: TIPS, now: () => NOW, ...options });
    const connect = (token = 'bot-token', baseUrl = github.url) => new GitHubForge({ token, owner: 'acme', repo: 'models', baseUrl, fetch: loopbackOnly });
    const sent = () =>
      github.requests.splice(0).map((r): [string, string, unknown] => {
        const query = new URLSearchParams(r.query).toString();
        return [r.method, query ? `${r.path}?${query}` : r.path, r.body];
      });
    Object.assign(harness, { github, forge: connect(), connect, sent });
  });
  afterEach(async () => {
    await harness.github.close();
    expect(harness.github.violations).toEqual([]);
  });
  return harness;
}

/** What `promise` was rejected with, as a cairn error's JSON: code, message and data. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => Promise.reject(new Error('expected a rejection')),
    (error: unknown) => (isCairnError(error) ? error.toJSON() : error),
  );
}
