import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runCairn } from '../cli/cli-harness.js';
import { createPromotionRepo, type PromotionRepo } from './promotion-repo.js';

let repo: PromotionRepo;
beforeAll(async () => {
  repo = await createPromotionRepo();
  await repo.mergeModel('shapes', '1.0.0', 'approve');
  await repo.mergeModel('shapes', '1.1.0', 'require_manual_review');
});
afterAll(() => repo.cleanup());

const cairn = (...args: string[]) => runCairn(['-C', repo.dir, ...args]);

describe('cairn rollout and cairn rollback', () => {
  it('prints the plan of a change with --dry-run and writes nothing', async () => {
    const result = await cairn('rollout', 'start', 'shapes', '1.0.0', '--reason', 'first model', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^plan \(nothing written\): Roll out shapes 1\.0\.0 at 5%\n {2}branch cairn\/rollout\/shapes\/start-1\.0\.0-first\n\n\*\*Reason:\*\* first model\n/);
    expect(await readRolloutState(repo.reader, 'main', 'shapes')).toBeNull();
  });

  it('opens and merges the pull request with --merge, then advances it', async () => {
    const started = await cairn('rollout', 'start', 'shapes', '1.0.0', '--reason', 'first model', '--merge');
    expect(started.out).toMatch(/^#3 Roll out shapes 1\.0\.0 at 5%\n {2}cairn\/rollout\/shapes\/start-1\.0\.0-first → main\n {2}merged into main as [0-9a-f]{12}\n$/);
    const advanced = await cairn('rollout', 'advance', 'shapes', '--reason', 'healthy', '--merge');
    expect(advanced.code).toBe(0);
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.candidate).toMatchObject({ percent: 25 });
  });

  it('turns the kill switch on by pull request and takes it back with a rollback', async () => {
    expect((await cairn('rollout', 'kill-switch', 'on', 'shapes', '--reason', 'errors', '--merge')).code).toBe(0);
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.kill_switch).toBe(true);
    const rolled = await cairn('rollback', 'shapes', '--reason', 'false alarm', '--now');
    expect(rolled.out).toMatch(/^Revert "Merge pull request #5 from cairn\/rollout\/shapes\/kill-switch-on-[0-9a-f]{8}"\n {2}This reverts commit [0-9a-f]{40}\.\n {2}committed on main as [0-9a-f]{12}\n$/);
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.kill_switch).toBe(false);
  });

  it('refuses with exit 1 and the rule: a candidate that waits for a review cannot be merged, an unknown action is a usage error', async () => {
    await cairn('rollout', 'abort', 'shapes', '--reason', 'make room', '--merge');
    const refused = await cairn('rollout', 'start', 'shapes', '1.1.0', '--reason', 'x', '--merge');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('needs a manual review');
    expect((await cairn('rollout', 'kill-switch', 'maybe', 'shapes', '--reason', 'x')).code).toBe(2);
    expect((await cairn('rollout', 'start', 'shapes', '--reason', 'x')).code).toBe(2);
  });
});
