import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runPromote } from '../../src/rollout/run-promote.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { runReviewCheck } from '../../src/review/run-review-check.js';
import { PolicyError } from '../../src/errors.js';
import type { PullRequest } from '../../src/forge/port.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { rolloutFile } from '../helpers/builders.js';
import { headOf } from '../helpers/git.js';
import { rejection } from '../helpers/rejection.js';
import { BOT, createPromotionRepo, type PromotionRepo } from '../rollout/promotion-repo.js';

let repo: PromotionRepo;
let pr: PullRequest;
beforeAll(async () => {
  repo = await createPromotionRepo();
});
afterAll(() => repo.cleanup());

const check = () => runReviewCheck(repo.deps, { pullRequest: pr.number, runId: 'test', now: repo.now });
const gateStatus = async (sha: string) => (await repo.deps.forge.getStatuses(sha)).find((status) => status.context === 'cairn/gate');

describe('a candidate the gate sent to manual review, over the local forge', () => {
  it('gets a promotion pull request whose cairn/gate check is pending', async () => {
    const pushed = await repo.mergeModel('shapes', '1.0.0', 'require_manual_review');
    const [outcome] = await runPromote(repo.deps, { base: 'main', ...pushed, runId: 'test', now: repo.now });
    expect(outcome).toMatchObject({ decision: 'require_manual_review', outcome: 'review' });
    pr = outcome!.pullRequest!;
    expect(pr).toMatchObject({ state: 'open', author: BOT, labels: ['cairn:rollout', 'cairn:manual-review'] });
    expect(await gateStatus(pr.headSha)).toEqual({ context: 'cairn/gate', sha: pr.headSha, state: 'pending', description: 'waiting for a review by someone other than cairn[bot]: no approval yet' });
    expect(pr.body.replace(/sha256 `[0-9a-f]{12}`/, 'sha256 `…`')).toMatchInlineSnapshot(`
      "**Reason:** the gate asks for a manual review of 1.0.0

      | | before | after |
      | --- | --- | --- |
      | production | — | — |
      | previous | — | — |
      | candidate | — | 1.0.0 at 5% of 5 → 25 → 100 |
      | approval | — | — |
      | kill switch | off | off |
      | pinned | — | — |

      Gate decision of shapes 1.0.0: \`require_manual_review\` (\`registry/shapes/1.0.0/gate.json\`, sha256 \`…\`).

      The gate asks for a manual review: the \`cairn/gate\` check stays pending until someone other than the author (and not a bot) approves this pull request on its current head. The approval is then recorded in the rollout state on this branch; a later push makes it stale.

      This pull request changes only \`registry/shapes/rollout.json\`. Reverting its merge (\`cairn rollback shapes\` or GitHub's Revert button) restores the state before it."
    `);
    // verify refuses the branch as it stands: a review candidate without a recorded approval
    const verified = await runVerify({ reader: repo.reader, ref: pr.head, base: 'main' });
    expect(verified.violations.map((v) => v.rule)).toEqual(['promotion']);
  });

  it('cannot be merged at once', async () => {
    const refused = await rejection(runRollout(repo.deps, { model: 'shapes', request: { action: 'advance' }, reason: 'x', base: pr.head, runId: 't', now: repo.now, merge: true }));
    expect((refused as PolicyError).data.rule).toBe('manual-review');
  });

  it('refuses the author’s own approval and does not count a bot’s', async () => {
    expect(await rejection(repo.forgeAs(BOT).submitReview(pr.number, { state: 'APPROVED' }))).toMatchObject({ code: 'E_FORGE', message: expect.stringContaining('Can not approve your own pull request') });
    await repo.forgeAs('deploy[bot]').submitReview(pr.number, { state: 'APPROVED' });
    const result = await check();
    expect(result).toMatchObject({ state: 'pending', recorded: null, description: 'waiting for a review by someone other than cairn[bot]: approvals by deploy[bot] do not count (the author or a bot)' });
    expect(await headOf(repo.dir, pr.head)).toBe(pr.headSha);
  });

  it('records the approval of another person on the branch and passes on the commit that records it', async () => {
    const approved = pr.headSha;
    await repo.forgeAs('bob').submitReview(pr.number, { state: 'APPROVED', body: 'metrics look fine' });
    const result = await check();
    expect(result.state).toBe('success');
    expect(result.recorded).toBe(await headOf(repo.dir, pr.head));
    expect(result.statusSha).toBe(result.recorded);
    expect(await gateStatus(result.recorded!)).toMatchObject({ state: 'success', description: 'approved by bob' });
    const state = await readRolloutState(repo.reader, pr.head, 'shapes');
    expect(state?.candidate?.approval).toEqual({ by: 'bob', at: expect.any(String), pull_request: pr.number, commit: approved });
    expect(state).toMatchObject({ action: 'approve', reason: 'the gate asks for a manual review of 1.0.0' });
    expect((await runVerify({ reader: repo.reader, ref: pr.head, base: 'main' })).violations).toEqual([]);

    // Run again (the push of the record triggers it): nothing more is written, the check still passes.
    const again = await check();
    expect(again).toMatchObject({ state: 'success', recorded: null, statusSha: result.recorded });
  });

  it('is merged with the recorded approval, which history shows', async () => {
    const current = await repo.deps.forge.getPullRequest(pr.number);
    await repo.deps.forge.mergePullRequest(pr.number, { sha: current.headSha });
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.candidate?.approval?.by).toBe('bob');
    const { formatHistory, runHistory } = await import('../../src/history/run-history.js');
    const entries = await runHistory({ reader: repo.reader, model: 'shapes', ref: 'main' });
    expect(entries[0]).toMatchObject({ action: 'start', pullRequest: pr.number, approval: { by: 'bob', pullRequest: pr.number } });
    const lines = formatHistory(entries.slice(0, 1)).split('\n');
    expect(lines.slice(1)).toEqual([
      '    nothing served  →  no production, candidate 1.0.0 at 5%',
      `    approved by bob at ${entries[0]!.approval!.at} on PR #${pr.number}`,
      `    Merge pull request #${pr.number} from ${pr.head}  [reason: the gate asks for a manual review of 1.0.0]`,
      '',
    ]);
  });

  it('lets later pull requests of an approved candidate pass without a new review', async () => {
    const advanced = await runRollout(repo.deps, { model: 'shapes', request: { action: 'advance' }, reason: 'healthy', base: 'main', runId: 't', now: repo.now });
    pr = advanced.pullRequest!;
    expect(await check()).toMatchObject({ state: 'success', description: '1.0.0 was approved by bob in #2' });
  });
});

describe('an approval made stale by a later push', () => {
  it('falls back to pending when someone else pushes after the approval', async () => {
    const pushed = await repo.mergeModel('other', '1.0.0', 'require_manual_review');
    const [outcome] = await runPromote(repo.deps, { base: 'main', ...pushed, runId: 'test', now: repo.now });
    pr = outcome!.pullRequest!;
    await repo.forgeAs('bob').submitReview(pr.number, { state: 'APPROVED' });
    // carol pushes a change to the branch after bob's approval, before the check records it
    const state = (await readRolloutState(repo.reader, pr.head, 'other'))!;
    const edited = rolloutFile('other', { candidate: state.candidate, reason: 'carol edited', action: 'start' });
    await commitStage({ dir: repo.dir, stage: 'hand', runId: 'carol', branch: pr.head, plan: () => ({ subject: 'tweak', files: [edited] }), author: { name: 'carol', email: 'c@example.test' } });
    const head = (await headOf(repo.dir, pr.head))!;
    const result = await check();
    expect(result).toMatchObject({ state: 'pending', recorded: null, statusSha: head });
    expect(result.description).toBe(`waiting for a review by someone other than cairn[bot]: the approval by bob is for ${pr.headSha.slice(0, 7)}, not the head ${head.slice(0, 7)}`);
    expect((await readRolloutState(repo.reader, pr.head, 'other'))?.candidate?.approval).toBeNull();
  });
});
