import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/artifacts/layout.js';
import { PolicyError } from '../../src/errors.js';
import { runHistory } from '../../src/history/run-history.js';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runPromote } from '../../src/rollout/run-promote.js';
import { runRollback } from '../../src/rollout/run-rollback.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { GitCli } from '../../src/store/git-cli.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { rolloutFile } from '../helpers/builders.js';
import { headOf } from '../helpers/git.js';
import { rejection } from '../helpers/rejection.js';
import { createPromotionRepo, type PromotionRepo } from './promotion-repo.js';

let repo: PromotionRepo;
let git: GitCli;
const FILE = paths.rollout('shapes');

async function rollToProduction(model: string, version: string): Promise<void> {
  const pushed = await repo.mergeModel(model, version, 'approve');
  await runPromote(repo.deps, { base: 'main', ...pushed, runId: 't', now: repo.now });
  for (const request of [{ action: 'advance' }, { action: 'advance' }, { action: 'promote' }] as const) {
    await runRollout(repo.deps, { model, request, reason: `${request.action} ${version}`, base: 'main', runId: 't', now: repo.now, merge: true });
  }
}
const rollback = (direct = false) => runRollback(repo.deps, { model: 'shapes', base: 'main', reason: 'error rate above 5%', runId: 't', direct });
const bytesAt = (ref: string) => git.run(['show', `${ref}:${FILE}`]);

beforeAll(async () => {
  repo = await createPromotionRepo();
  git = new GitCli(repo.dir);
  await rollToProduction('shapes', '1.0.0');
  await rollToProduction('shapes', '1.1.0');
});
afterAll(() => repo.cleanup());

describe('rollback by revert', () => {
  it('opens the revert of the last rollout change as a pull request, in the shape git revert gives', async () => {
    const promotion = (await headOf(repo.dir, 'main'))!;
    const subject = (await git.run(['log', '-1', '--format=%s', promotion])).trim();
    expect(subject).toMatch(/^Merge pull request #\d+ from cairn\/rollout\/shapes\/promote-1\.1\.0-/);
    const result = await rollback();
    expect(result.branch).toBe(`cairn/rollback/shapes/revert-${promotion.slice(0, 12)}`);
    const message = await git.run(['log', '-1', '--format=%B', result.branch]);
    expect(message.startsWith(`Revert "${subject}"\n\nThis reverts commit ${promotion}.\n\n`)).toBe(true);
    expect(message).toContain('Cairn-Reason: error rate above 5%');
    expect(result.pullRequest).toMatchObject({ title: `Revert "${subject}"`, labels: ['cairn:rollback'] });
    expect(result.pullRequest!.body.replace(/[0-9a-f]{12}/, '<sha>').replace(/#\d+/g, '#N')).toMatchInlineSnapshot(`
      "**Reason:** error rate above 5%

      Reverts <sha> "Merge pull request #N from cairn/rollout/shapes/promote-1.1.0-${subject.split('-').at(-1)}" (#N).

      - now: production 1.1.0
      - after the merge: production 1.0.0, candidate 1.1.0 at 100%

      \`registry/shapes/rollout.json\` returns byte for byte to its state before that change; no artifact is deleted, the reverted model stays in the registry."
    `);
    expect(await repo.deps.forge.listChangedFiles(result.pullRequest!.number)).toEqual([FILE]);
  });

  it('is accepted by verify although production goes back to a version that is not the candidate', async () => {
    const branch = (await repo.deps.forge.listPullRequests({ label: 'cairn:rollback' }))[0]!.head;
    expect((await runVerify({ reader: repo.reader, ref: branch, base: 'main' })).violations).toEqual([]);
  });

  it('while the same state written by hand, with other bytes, is refused: a candidate that skips its stages, a production that was never the candidate', async () => {
    const branch = (await repo.deps.forge.listPullRequests({ label: 'cairn:rollback' }))[0]!.head;
    const restored = (await readRolloutState(repo.reader, branch, 'shapes'))!;
    const { schema: _s, checksum: _c, model: _m, ...body } = restored;
    await commitStage({ dir: repo.dir, stage: 'hand', runId: 'h', branch: 'hand-edit', startPoint: 'main', plan: () => ({ subject: 'hand edit', files: [rolloutFile('shapes', { ...body, reason: 'by hand' })] }) });
    const verified = await runVerify({ reader: repo.reader, ref: 'hand-edit', base: 'main' });
    expect(verified.violations).toEqual([
      { file: FILE, rule: 'skipped-stage', pointer: '/candidate/percent', message: '1.1.0 starts at 100%, not at its first stage 5%' },
      { file: FILE, rule: 'never-candidate', pointer: '/production', message: '1.0.0 becomes production but was not the candidate in the base; promote it from its last stage' },
    ]);
  });

  it('still refuses the deletion of an artifact beside the revert', async () => {
    const branch = (await repo.deps.forge.listPullRequests({ label: 'cairn:rollback' }))[0]!.head;
    await git.run(['branch', 'revert-and-delete', branch]);
    await git.run(['worktree', 'add', '--quiet', `${repo.root}/wt`, 'revert-and-delete']);
    const wt = new GitCli(`${repo.root}/wt`);
    await wt.run(['rm', '--quiet', 'registry/shapes/1.1.0/metrics.json']);
    await wt.run(['commit', '--quiet', '-m', 'remove the bad model']);
    const verified = await runVerify({ reader: repo.reader, ref: 'revert-and-delete', base: 'main' });
    expect(verified.violations.map((v) => [v.file, v.rule])).toContainEqual(['registry/shapes/1.1.0/metrics.json', 'write-once']);
    expect(verified.violations.map((v) => v.file)).not.toContain(FILE);
  });

  it('restores the previous state byte for byte once merged, and history calls it a revert', async () => {
    const promotion = (await headOf(repo.dir, 'main'))!;
    const [pr] = await repo.deps.forge.listPullRequests({ label: 'cairn:rollback' });
    await repo.deps.forge.mergePullRequest(pr!.number, { sha: pr!.headSha });
    expect(await bytesAt('main')).toBe(await bytesAt(`${promotion}^1`));
    const [last] = await runHistory({ reader: repo.reader, model: 'shapes', ref: 'main' });
    expect(last).toMatchObject({ action: 'revert', pullRequest: pr!.number, before: 'production 1.1.0', after: 'production 1.0.0, candidate 1.1.0 at 100%' });
    expect((await runVerify({ reader: repo.reader })).violations).toEqual([]);
  });

  it('with --now commits the revert straight onto main', async () => {
    const before = (await headOf(repo.dir, 'main'))!;
    const result = await rollback(true);
    expect(result).toMatchObject({ branch: 'main', pullRequest: null });
    expect(await headOf(repo.dir, 'main')).toBe(result.commit);
    expect((await git.run(['rev-list', '--parents', '-n', '1', result.commit!])).trim()).toBe(`${result.commit} ${before}`);
    const subject = (await git.run(['log', '-1', '--format=%s', before])).trim();
    expect(await git.run(['log', '-1', '--format=%B', result.commit!])).toMatch(new RegExp(`^Revert "${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\n\nThis reverts commit ${before}\\.\n\n`));
    expect(await bytesAt('main')).toBe(await bytesAt(`${before}^1`));
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.production?.model_version).toBe('1.1.0');
  });

  it('refuses to revert the first rollout of a model, naming the rule', async () => {
    const pushed = await repo.mergeModel('solo', '1.0.0', 'approve');
    await runPromote(repo.deps, { base: 'main', ...pushed, runId: 't', now: repo.now });
    const before = await headOf(repo.dir, 'main');
    const refused = await rejection(runRollback(repo.deps, { model: 'solo', base: 'main', reason: 'x', runId: 't', direct: true }));
    expect(refused).toBeInstanceOf(PolicyError);
    expect((refused as PolicyError).data).toMatchObject({ rule: 'nothing-to-revert', file: 'registry/solo/rollout.json' });
    expect(await headOf(repo.dir, 'main')).toBe(before);
  });
});
