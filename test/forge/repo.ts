import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GitCli } from '../../src/store/git-cli.js';

/**
 * Commits `files` on `branch` (created from `from` when missing) in a non-bare repository and
 * returns the commit; the repository is left with `main` checked out.
 */
export async function commitOn(git: GitCli, branch: string, files: Record<string, string>, from = 'main'): Promise<string> {
  const exists = (await git.revParse(`refs/heads/${branch}`)) !== null;
  if (branch !== 'main' || exists) await git.run(exists ? ['checkout', '-q', branch] : ['checkout', '-q', '-b', branch, from]);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(git.dir, path)), { recursive: true });
    await writeFile(join(git.dir, path), content);
  }
  await git.run(['add', '-A']);
  await git.run(['commit', '-q', '-m', `change ${Object.keys(files).join(', ')} on ${branch}`]);
  const sha = (await git.revParse('HEAD'))!;
  if (branch !== 'main') await git.run(['checkout', '-q', 'main']);
  return sha;
}

/** The parents of a commit, first parent first. */
export async function parentsOf(git: GitCli, rev: string): Promise<string[]> {
  return (await git.run(['rev-list', '--parents', '-n', '1', rev])).trim().split(' ').slice(1);
}

/** The full message of a commit, without the trailing newline. */
export async function messageOf(git: GitCli, rev: string): Promise<string> {
  return (await git.run(['log', '-1', '--format=%B', rev])).trimEnd();
}

export const NOW = new Date('2024-05-01T12:00:00.000Z');
