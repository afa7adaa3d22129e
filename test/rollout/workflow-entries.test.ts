import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { createPromotionRepo, type PromotionRepo } from './promotion-repo.js';

const run = promisify(execFile);
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const script = (name: string) => new URL(`../../scripts/${name}`, import.meta.url).pathname;

let repo: PromotionRepo;
beforeAll(async () => {
  repo = await createPromotionRepo();
});
afterAll(() => repo.cleanup());

/** Runs a workflow entry as Actions does: env in, job summary and outputs to files; the local forge stands in for GitHub. */
async function runEntry(name: string, env: Record<string, string>) {
  const summary = join(repo.root, `${name}.summary.md`);
  const output = join(repo.root, `${name}.output`);
  await writeFile(summary, '');
  await writeFile(output, '');
  const base = { PATH: process.env.PATH!, HOME: process.env.HOME!, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, CAIRN_FORGE: 'local', PUSH_REMOTE: '' };
  const result = await run(TSX, [script(name)], { cwd: repo.dir, env: { ...base, ...env } }).then(
    () => 0,
    (failed: { code: number }) => failed.code,
  );
  return { code: result, summary: await readFile(summary, 'utf8'), output: await readFile(output, 'utf8') };
}

describe('the promote and rollback workflow entries', () => {
  it('promote.ts merges the promotion of an approved model and says so in the job summary', async () => {
    const pushed = await repo.mergeModel('shapes', '1.0.0', 'approve');
    const result = await runEntry('promote.ts', { BEFORE_SHA: pushed.before, AFTER_SHA: pushed.after, BASE_BRANCH: 'main' });
    expect(result.code).toBe(0);
    expect(result.summary).toContain('| shapes | 1.0.0 | `approve` | 🚀 #2 merged: Roll out shapes 1.0.0 at 5% |');
    expect(result.output).toContain('[2]');
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.candidate?.percent).toBe(5);
  });

  it('promote.ts reports a rejected model without opening anything', async () => {
    const pushed = await repo.mergeModel('shapes', '1.1.0', 'reject');
    const result = await runEntry('promote.ts', { BEFORE_SHA: '0'.repeat(40), AFTER_SHA: pushed.after });
    expect(result.code).toBe(0);
    expect(result.summary).toContain('| shapes | 1.1.0 | `reject` | ⛔ shapes 1.1.0 was rejected by its gate: recorded, not rolled out |');
  });

  it('rollback.ts refuses the first rollout, then with NOW=true reverts the last rollout change on main', async () => {
    const first = await runEntry('rollback.ts', { MODEL: 'shapes', REASON: 'bad canary', NOW: 'true' });
    expect(first).toMatchObject({ code: 1, summary: '' });
    await runRollout(repo.deps, { model: 'shapes', request: { action: 'advance' }, reason: 'healthy', base: 'main', runId: 't', now: repo.now, merge: true });
    const result = await runEntry('rollback.ts', { MODEL: 'shapes', REASON: 'bad canary', NOW: 'true' });
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(/^### cairn rollback: Revert "Merge pull request #4 from cairn\/rollout\/shapes\/advance-1\.0\.0-[0-9a-f]{8}"\n\ncommit [0-9a-f]{40} on main\n\n\*\*Reason:\*\* bad canary\n/);
    expect((await readRolloutState(repo.reader, 'main', 'shapes'))?.candidate?.percent).toBe(5);
    expect((await runEntry('rollback.ts', {})).code).toBe(1);
  });
});
