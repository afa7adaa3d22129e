import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalForge } from '../../src/forge/local-forge.js';
import { planRolloutCommit, toStagePlan } from '../../src/rollout/plan-rollout-commit.js';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runPromote } from '../../src/rollout/run-promote.js';
import { runRollback } from '../../src/rollout/run-rollback.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { createPromotionRepo, type PromotionRepo } from './promotion-repo.js';

let repo: PromotionRepo;
let remote: string;
let clones: { a: string; b: string };

beforeAll(async () => {
  repo = await createPromotionRepo();
  const pushed = await repo.mergeModel('shapes', '1.0.0', 'approve');
  await runPromote(repo.deps, { base: 'main', ...pushed, runId: 't', now: repo.now });
  await runRollout(repo.deps, { model: 'shapes', request: { action: 'advance' }, reason: 'healthy', base: 'main', runId: 't', now: repo.now, merge: true });
  remote = join(repo.root, 'remote.git');
  clones = { a: join(repo.root, 'a'), b: join(repo.root, 'b') };
  const root = new GitCli(repo.root);
  await root.run(['clone', '--quiet', '--bare', repo.dir, remote]);
  for (const [name, dir] of Object.entries(clones)) {
    await root.run(['clone', '--quiet', remote, dir]);
    await new GitCli(dir).run(['config', 'user.name', name]);
    await new GitCli(dir).run(['config', 'user.email', `${name}@example.test`]);
  }
});
afterAll(() => repo.cleanup());

describe('an emergency rollback that loses the push race', () => {
  it('is planned again on the newest main and reverts the change that landed first', async () => {
    // b has a kill-switch change ready; a's first push attempt lets b's land first (pre-push hook)
    const b = new RepoReader(clones.b);
    const killSwitch = await planRolloutCommit(b, 'main', 'shapes', { action: 'kill-switch-on' }, { reason: 'incident', now: repo.now() });
    const bCommit = (await commitStage({ dir: clones.b, stage: 'rollout', runId: 'b', plan: () => toStagePlan(killSwitch, 'incident') })).commit!;
    const hook = join(clones.a, '.git', 'hooks', 'pre-push');
    await writeFile(hook, `#!/bin/sh\nif [ ! -e "${hook}.done" ]; then touch "${hook}.done"; git -C "${clones.b}" push --quiet origin main; fi\n`);
    await chmod(hook, 0o755);
    const aMain = (await new GitCli(clones.a).revParse('main'))!;

    const a = { dir: clones.a, reader: new RepoReader(clones.a), forge: new LocalForge({ dir: clones.a }), remote: 'origin' };
    const result = await runRollback(a, { model: 'shapes', base: 'main', reason: 'bad canary', runId: 'a', direct: true });

    expect(result.plan.reverted.commit).toBe(bCommit);
    const remoteGit = new GitCli(remote);
    expect(await remoteGit.revParse('main')).toBe(result.commit);
    expect((await remoteGit.run(['rev-list', '--parents', '-n', '1', 'main'])).trim()).toBe(`${result.commit} ${bCommit}`);
    expect(await remoteGit.run(['show', `main:registry/shapes/rollout.json`])).toBe(await remoteGit.run(['show', `${aMain}:registry/shapes/rollout.json`]));
    expect((await readRolloutState(new RepoReader(remote), 'main', 'shapes'))).toMatchObject({ kill_switch: false, candidate: { percent: 25 } });
  });
});
