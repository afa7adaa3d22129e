import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { mergeBranches } from '../../src/store/merge-branches.js';
import type { MergeRequest } from '../../src/forge/local/record-forge.js';
import { GitCli, type GitEnv } from '../../src/store/git-cli.js';
import { initRepo, tempDir } from '../helpers/git.js';
import { commitOn, parentsOf } from '../forge/repo.js';

/** A GitCli that lets another writer move `main` just before each of the first `races` update-refs. */
class RacingGit extends GitCli {
  constructor(
    dir: string,
    private races: number,
  ) {
    super(dir);
  }

  override async run(args: string[], env?: GitEnv): Promise<string> {
    if (args[0] === 'worktree' && this.races > 0) {
      this.races--;
      await commitOn(new GitCli(this.dir), 'main', { [`race-${this.races}.txt`]: 'x\n' });
    }
    return super.run(args, env);
  }
}

let temp: Awaited<ReturnType<typeof tempDir>>;
let git: GitCli;
let request: MergeRequest;

beforeEach(async () => {
  temp = await tempDir('cairn-merge-');
  git = await initRepo(join(temp.path, 'repo'));
  await commitOn(git, 'main', { 'README.md': 'models\n' });
  const headSha = await commitOn(git, 'feature', { 'a.txt': 'a\n' });
  request = { head: 'feature', headSha, base: 'main', method: 'merge', message: 'Merge pull request #1 from feature\n\nA' };
});

afterEach(() => temp.cleanup());

describe('mergeBranches', () => {
  it('merges again onto the new base when base moves during the merge', async () => {
    const merged = await mergeBranches(new RacingGit(git.dir, 1), request, {});
    const [firstParent] = await parentsOf(git, merged);
    expect(await git.run(['show', '--format=', '--name-only', firstParent!])).toBe('race-0.txt\n');
    expect(await git.revParse('main')).toBe(merged);
  });

  it('gives up when base keeps moving', async () => {
    await expect(mergeBranches(new RacingGit(git.dir, 2), request, {})).rejects.toThrow(ForgeError);
    expect(await git.run(['log', '-1', '--format=%s', 'main'])).toBe('change race-0.txt on main\n');
  });
});
