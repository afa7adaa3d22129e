import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHubForge } from '../../src/forge/github-forge.js';
import type { Forge } from '../../src/forge/port.js';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runPromote } from '../../src/rollout/run-promote.js';
import { runReviewCheck } from '../../src/review/run-review-check.js';
import { planRolloutCommit, toStagePlan } from '../../src/rollout/plan-rollout-commit.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { GitCli } from '../../src/store/git-cli.js';
import { FakeGitHub } from '../forge/github-server.js';
import { loopbackOnly, rejection } from '../forge/github-harness.js';
import { createPromotionRepo, type PromotionRepo } from '../rollout/promotion-repo.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const REPO = '/repos/acme/models';
let repo: PromotionRepo;
let github: FakeGitHub;
let forge: Forge;
const as = (token: string) => synced(new GitHubForge({ token, owner: 'acme', repo: 'models', baseUrl: github.url, fetch: loopbackOnly }));

/** What a push does: GitHub learns the tips of the repository's branches before each call. */
function synced(target: GitHubForge): Forge {
  const sync = async () => {
    const refs = await new GitCli(repo.dir).run(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/cairn/']);
    for (const line of refs.trim().split('\n').filter(Boolean)) {
      const [branch, sha] = line.split(' ');
      github.push(branch!, sha!);
    }
  };
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await sync();
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
const sent = () => github.requests.splice(0).map((r) => `${r.method} ${r.path.replace(REPO, '')}`);

beforeAll(async () => {
  repo = await createPromotionRepo();
  github = await FakeGitHub.start({
    owner: 'acme',
    repo: 'models',
    tokens: { 'bot-token': 'cairn-bot', 'alice-token': 'alice' },
    bots: ['cairn-bot'],
    branches: { main: (await repo.reader.resolveCommit('main')) },
    now: () => NOW,
  });
  forge = as('bot-token');
});
afterEach(() => expect(github.violations).toEqual([]));
afterAll(async () => {
  await github.close();
  await repo.cleanup();
});

describe('promotion and manual review over the GitHub fake (validated against GitHub\'s OpenAPI description)', () => {
  it('opens and merges the promotion of an approved candidate, merging only the head it opened', async () => {
    const pushed = await repo.mergeModel('shapes', '1.0.0', 'approve');
    github.push('main', pushed.after);
    sent();
    const [outcome] = await runPromote({ ...repo.deps, forge }, { base: 'main', ...pushed, runId: 't', now: () => NOW });
    expect(outcome).toMatchObject({ outcome: 'merged', pullRequest: { number: 1, state: 'merged', author: 'cairn-bot' } });
    const requests = github.requests.slice();
    expect(sent()).toEqual(['GET /pulls', 'POST /pulls', 'POST /issues/1/labels', `POST /statuses/${outcome!.pullRequest!.headSha}`, 'PUT /pulls/1/merge', 'GET /pulls/1']);
    expect((await forge.getStatuses(outcome!.pullRequest!.headSha))[0]).toMatchObject({ context: 'cairn/gate', state: 'success', description: 'the gate approved shapes 1.0.0' });
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({ merge_method: 'merge', sha: (await repo.reader.resolveCommit('cairn/rollout/shapes/start-1.0.0-first')) });
  });

  it('opens the promotion of a candidate sent to review with cairn/gate pending', async () => {
    const pushed = await repo.mergeModel('other', '1.0.0', 'require_manual_review');
    github.push('main', pushed.after);
    sent();
    const [outcome] = await runPromote({ ...repo.deps, forge }, { base: 'main', ...pushed, runId: 't', now: () => NOW });
    expect(outcome).toMatchObject({ outcome: 'review', pullRequest: { number: 2, state: 'open' } });
    expect(sent()).toEqual(['GET /pulls', 'POST /pulls', 'POST /issues/2/labels', 'GET /pulls/2/reviews', `POST /statuses/${outcome!.pullRequest!.headSha}`]);
    expect((await forge.getStatuses(outcome!.pullRequest!.headSha))[0]).toMatchObject({ context: 'cairn/gate', state: 'pending', description: 'waiting for a review by someone other than cairn-bot: no approval yet' });
  });

  it('refuses the author\'s own approval, as GitHub does', async () => {
    expect(await rejection(forge.submitReview(2, { state: 'APPROVED' }))).toMatchObject({ code: 'E_FORGE', message: expect.stringContaining('Can not approve your own pull request') });
  });

  it('records the approval of another person on the branch and passes on the commit that records it', async () => {
    const before = await forge.getPullRequest(2);
    await as('alice-token').submitReview(2, { state: 'APPROVED', body: 'ok' });
    sent();
    const result = await runReviewCheck({ ...repo.deps, forge }, { pullRequest: 2, runId: 't', now: () => NOW });
    expect(result).toMatchObject({ state: 'success', description: 'approved by alice', approval: { by: 'alice', pull_request: 2, commit: before.headSha } });
    expect(result.recorded).toBe(await repo.reader.resolveCommit(before.head));
    expect(sent()).toEqual(['GET /pulls/2', 'GET /pulls/2/reviews', `POST /statuses/${result.recorded}`]);
    expect((await readRolloutState(repo.reader, before.head, 'other'))?.candidate?.approval).toEqual({ by: 'alice', at: '2026-12-01T12:00:00.000Z', pull_request: 2, commit: before.headSha });
    const merged = await forge.mergePullRequest(2, { sha: result.recorded! });
    expect(merged.state).toBe('merged');
  });

  it('falls back to pending when someone pushes after the approval', async () => {
    const pushed = await repo.mergeModel('third', '1.0.0', 'require_manual_review');
    github.push('main', pushed.after);
    const [outcome] = await runPromote({ ...repo.deps, forge }, { base: 'main', ...pushed, runId: 't', now: () => NOW });
    const pr = outcome!.pullRequest!;
    await as('alice-token').submitReview(pr.number, { state: 'APPROVED' });
    const edit = await planRolloutCommit(repo.reader, pr.head, 'third', { action: 'kill-switch-on' }, { reason: 'a later push', now: NOW });
    await commitStage({ dir: repo.dir, stage: 'hand', runId: 'h', branch: pr.head, plan: () => toStagePlan(edit, 'later') });
    const result = await runReviewCheck({ ...repo.deps, forge }, { pullRequest: pr.number, runId: 't', now: () => NOW });
    const head = await repo.reader.resolveCommit(pr.head);
    expect(result).toMatchObject({ state: 'pending', recorded: null, statusSha: head, description: `waiting for a review by someone other than cairn-bot: the approval by alice is for ${pr.headSha.slice(0, 7)}, not the head ${head.slice(0, 7)}` });
    expect((await readRolloutState(repo.reader, pr.head, 'third'))).toMatchObject({ kill_switch: true, candidate: { approval: null } });
  });
});
