import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { planRollbackRevert } from '../src/rollout/plan-rollback-revert.js';
import { planRolloutCommit, toStagePlan } from '../src/rollout/plan-rollout-commit.js';
import { GitCli } from '../src/store/git-cli.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { commitStage } from '../src/store/stage-writer.js';
import { runVerify } from '../src/verify/run-verify.js';
import { generateRepo } from './generate-repo.js';
import type { Bench } from './types.js';

const ROOT = new URL('../.bench/', import.meta.url).pathname;
const MODEL = 'model-042';

/**
 * `verify --base` on a promotion pull request in the benchmark repository (100 models × 100
 * versions, one commit per version and per rollout move: 20,001 commits): an advance, and the
 * revert of the last rollout change, whose acceptance reads the rollout file's whole history.
 */
export const bench: Bench = async ({ quick }) => {
  const models = 100;
  const versionsPerModel = quick ? 10 : 100;
  const repo = await generateRepo(join(ROOT, `repo-${models}x${versionsPerModel}-long`), { models, versionsPerModel, versionsPerCommit: 1 });
  const reader = new RepoReader(repo.dir);
  const cli = new GitCli(repo.dir);
  const now = new Date('2026-12-01T10:00:00.000Z');

  const advance = await planRolloutCommit(reader, 'main', MODEL, { action: 'advance' }, { reason: 'bench', now });
  await commitStage({ dir: repo.dir, stage: 'bench', runId: 'bench', branch: 'bench-advance', startPoint: 'main', plan: () => toStagePlan(advance, 'bench') });
  const revert = await planRollbackRevert(reader, 'main', MODEL);
  await commitStage({ dir: repo.dir, stage: 'bench', runId: 'bench', branch: 'bench-revert', startPoint: 'main', plan: () => ({ subject: revert.subject, body: revert.body, files: [{ path: `registry/${MODEL}/rollout.json`, content: revert.content }] }) });

  const time = async (branch: string) => {
    const start = performance.now();
    const result = await runVerify({ reader: new RepoReader(repo.dir), base: 'main', ref: branch });
    const seconds = (performance.now() - start) / 1000;
    if (result.violations.length > 0) throw new Error(`${branch} should verify clean: ${JSON.stringify(result.violations)}`);
    return seconds;
  };
  const mergeBaseStart = performance.now();
  await new RepoReader(repo.dir).mergeBase('main', 'bench-advance');
  const mergeBaseSeconds = (performance.now() - mergeBaseStart) / 1000;
  const advanceSeconds = await time('bench-advance');
  const revertSeconds = await time('bench-revert');
  for (const branch of ['bench-advance', 'bench-revert']) await cli.run(['branch', '--quiet', '-D', branch]);

  return {
    name: 'promotion',
    figures: [
      { label: 'verify --base on a promotion pull request (advance)', value: advanceSeconds, unit: 's', target: '<= 1', ok: advanceSeconds <= 1 },
      { label: 'verify --base on a rollback pull request (a revert, found in the file history)', value: revertSeconds, unit: 's', target: '<= 1', ok: revertSeconds <= 1 },
      { label: 'of which: the merge base of the branch and main alone (RepoReader.mergeBase)', value: mergeBaseSeconds, unit: 's' },
    ],
    notes: [`${models} models × ${versionsPerModel} versions, ${repo.commits} commits`],
  };
};
