import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/errors.js';
import { runHistory } from '../../src/history/run-history.js';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runPromote } from '../../src/rollout/run-promote.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { rejection } from '../helpers/rejection.js';
import { createPromotionRepo, type PromotionRepo } from './promotion-repo.js';

let repo: PromotionRepo;
beforeAll(async () => {
  repo = await createPromotionRepo();
});
afterAll(() => repo.cleanup());

const rollout = (request: Parameters<typeof runRollout>[1]['request'], reason: string, extra: { merge?: boolean; dryRun?: boolean } = { merge: true }) =>
  runRollout(repo.deps, { model: 'shapes', request, reason, base: 'main', runId: 'test', now: repo.now, ...extra });

describe('an approved candidate, end to end over the local forge', () => {
  it('is rolled out by the promote stage at the first stage, through a merged pull request that changes only rollout.json', async () => {
    const pushed = await repo.mergeModel('shapes', '1.0.0', 'approve');
    const [outcome] = await runPromote(repo.deps, { base: 'main', ...pushed, runId: 'test', now: repo.now });
    expect(outcome).toMatchObject({ model: 'shapes', version: '1.0.0', decision: 'approve', outcome: 'merged' });
    const pr = outcome!.pullRequest!;
    expect(pr).toMatchObject({ state: 'merged', head: expect.stringMatching(/^cairn\/rollout\/shapes\/start-1\.0\.0-first$/), labels: ['cairn:rollout', 'cairn:approved'] });
    expect(await repo.deps.forge.listChangedFiles(pr.number)).toEqual(['registry/shapes/rollout.json']);
    const state = await readRolloutState(repo.reader, 'main', 'shapes');
    expect(state?.candidate).toMatchObject({ model_version: '1.0.0', percent: 5, stages: [5, 25, 100], approval: null });
    expect(state).toMatchObject({ action: 'start', reason: 'the gate approved 1.0.0' });
  });

  it('prints the plan on --dry-run and writes nothing', async () => {
    const before = await repo.reader.resolveCommit('main');
    const result = await rollout({ action: 'advance' }, 'healthy at 5%', { dryRun: true });
    expect(result).toMatchObject({ commit: null, pullRequest: null, plan: { title: 'Advance shapes 1.0.0 to 25%' } });
    expect(result.plan.body).toMatchInlineSnapshot(`
      "**Reason:** healthy at 5%

      | | before | after |
      | --- | --- | --- |
      | production | — | — |
      | previous | — | — |
      | candidate | 1.0.0 at 5% of 5 → 25 → 100 | 1.0.0 at 25% of 5 → 25 → 100 |
      | approval | — | — |
      | kill switch | off | off |
      | pinned | — | — |

      Gate decision of shapes 1.0.0: \`approve\` (\`registry/shapes/1.0.0/gate.json\`, sha256 \`${result.plan.after.candidate!.gate.sha256.slice(0, 12)}\`).

      This pull request changes only \`registry/shapes/rollout.json\`. Reverting its merge (\`cairn rollback shapes\` or GitHub's Revert button) restores the state before it."
    `);
    expect(await repo.reader.resolveCommit('main')).toBe(before);
  });

  it('advances stage by stage and is promoted to production, each change a pull request that verify accepts', async () => {
    const advanced = await rollout({ action: 'advance' }, 'healthy at 5%', { merge: false });
    // Run again before the merge: the branch already holds the change, and its pull request is found.
    const again = await rollout({ action: 'advance' }, 'healthy at 5%', { merge: false });
    expect(again).toMatchObject({ branch: advanced.branch, commit: null, pullRequest: { number: advanced.pullRequest!.number, headSha: advanced.pullRequest!.headSha } });
    expect((await runVerify({ reader: repo.reader, ref: advanced.branch, base: 'main' })).violations).toEqual([]);
    await repo.deps.forge.mergePullRequest(advanced.pullRequest!.number, { sha: advanced.pullRequest!.headSha });
    await rollout({ action: 'advance' }, 'healthy at 25%');
    const refused = await rejection(rollout({ action: 'advance' }, 'again'));
    expect(refused).toBeInstanceOf(PolicyError);
    expect((refused as PolicyError).data.rule).toBe('last-stage');
    const promoted = await rollout({ action: 'promote' }, 'healthy at 100%');
    expect(promoted.merged?.title).toBe('Promote shapes 1.0.0 to production');
    expect(await readRolloutState(repo.reader, 'main', 'shapes')).toMatchObject({ production: { model_version: '1.0.0' }, previous: null, candidate: null, action: 'promote' });
  });

  it('keeps the previous production when the next version is promoted', async () => {
    const pushed = await repo.mergeModel('shapes', '1.1.0', 'approve');
    await runPromote(repo.deps, { base: 'main', ...pushed, runId: 'test', now: repo.now });
    for (const reason of ['healthy at 5%', 'healthy at 25%']) await rollout({ action: 'advance' }, reason);
    await rollout({ action: 'promote' }, 'healthy at 100%');
    const state = await readRolloutState(repo.reader, 'main', 'shapes');
    expect(state).toMatchObject({ production: { model_version: '1.1.0' }, previous: { model_version: '1.0.0' }, candidate: null });
    expect((await runVerify({ reader: repo.reader })).violations).toEqual([]);
  });

  it('opens kill switch, pin and unpin as pull requests, and refuses a change with nothing to change', async () => {
    await rollout({ action: 'kill-switch-on' }, 'error spike');
    await rollout({ action: 'kill-switch-off' }, 'fixed');
    await rollout({ action: 'pin', version: '1.0.0' }, 'hold while investigating');
    await rollout({ action: 'unpin' }, 'done');
    expect(((await rejection(rollout({ action: 'unpin' }, 'again'))) as PolicyError).data.rule).toBe('no-change');
    expect(await readRolloutState(repo.reader, 'main', 'shapes')).toMatchObject({ kill_switch: false, pinned: null, action: 'unpin', reason: 'done' });
  });

  it('records nothing for a rejected candidate, and says so', async () => {
    const pushed = await repo.mergeModel('shapes', '1.2.0', 'reject');
    const before = await repo.reader.resolveCommit('main');
    const outcomes = await runPromote(repo.deps, { base: 'main', ...pushed, runId: 'test', now: repo.now });
    expect(outcomes).toMatchObject([{ version: '1.2.0', decision: 'reject', outcome: 'rejected', pullRequest: null }]);
    expect(await repo.reader.resolveCommit('main')).toBe(before);
  });

  it('tells the story in cairn history, with the pull requests', async () => {
    const entries = await runHistory({ reader: repo.reader, model: 'shapes', ref: 'main' });
    expect(entries.map((e) => `${e.action} #${e.pullRequest} ${e.reason}`).reverse()).toEqual([
      'start #2 the gate approved 1.0.0',
      'advance #3 healthy at 5%',
      'advance #4 healthy at 25%',
      'promote #5 healthy at 100%',
      'start #7 the gate approved 1.1.0',
      'advance #8 healthy at 5%',
      'advance #9 healthy at 25%',
      'promote #10 healthy at 100%',
      'kill-switch-on #11 error spike',
      'kill-switch-off #12 fixed',
      'pin #13 hold while investigating',
      'unpin #14 done',
    ]);
  });
});
