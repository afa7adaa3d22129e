import { simpleGit } from 'simple-git';
import { ForgeError, GitError, NotFoundError } from '../errors.js';
import { GitCli, type GitEnv } from './git-cli.js';
import type { MergeRequest } from '../forge/local/record-forge.js';

/**
 * Merges `headSha` into the branch `base` with plumbing only: the merge is computed in the object
 * store (`merge-tree --write-tree`), committed with `commit-tree` and published by a
 * compare-and-swap `update-ref`. A work tree that has `base` checked out is brought along with
 * `read-tree -m -u`, and the merge is refused before the ref moves when that would overwrite
 * changes there. Never a fast-forward: the merge commit's message names the pull request.
 */
export async function mergeBranches(git: GitCli, request: MergeRequest, identity: GitEnv): Promise<string> {
  const ref = `refs/heads/${request.base}`;
  // One retry: another writer may move `base` between our read and our update-ref.
  for (let attempt = 1; ; attempt++) {
    const oldBase = await git.revParse(ref);
    if (!oldBase) throw new NotFoundError(`branch "${request.base}" does not exist`, { branch: request.base });
    const tree = await mergeTree(git.dir, oldBase, request);
    const parents = request.method === 'squash' ? [oldBase] : [oldBase, request.headSha];
    const commitArgs = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', request.message];
    const commit = (await git.run(commitArgs, identity)).trim();
    const checkouts = await worktreesOn(git, ref);
    for (const dir of checkouts) await assertCleanFor(new GitCli(dir), oldBase, commit, request.base);
    const swap = await git.tryRun(['update-ref', '-m', `cairn: ${request.message.split('\n')[0]}`, ref, commit, oldBase]);
    if (!swap.ok) {
      if (attempt < 2) continue;
      throw new ForgeError(`${request.base} kept moving while merging ${request.head}; try again`, { base: request.base, stderr: swap.stderr });
    }
    for (const dir of checkouts) await updateWorktree(new GitCli(dir), oldBase, commit, request.base);
    return commit;
  }
}

/** The merged tree, or ForgeError naming every conflicting path. */
async function mergeTree(dir: string, baseSha: string, request: MergeRequest): Promise<string> {
  // merge-tree exits 1 on conflicts with the answer on stdout, which the usual wrapper would drop.
  const git = simpleGit({
    baseDir: dir,
    errors: (error, result) => {
      if (result.exitCode === 1 && result.stdOut.length > 0) return undefined;
      if (error) return error;
      return result.exitCode === 0 ? undefined : Buffer.concat(result.stdErr);
    },
  });
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', baseSha, request.headSha];
  let out: string;
  try {
    out = await git.raw(args);
  } catch (error) {
    const message = error instanceof Error ? error.message.trim() : String(error);
    throw new GitError(`git merge-tree failed in ${dir}: ${message}`, { args, dir, stderr: message }, { cause: error });
  }
  const [tree = '', ...rest] = out.split('\0');
  const conflicts = [...new Set(rest.filter((path) => path !== ''))];
  if (conflicts.length > 0) {
    throw new ForgeError(`cannot merge ${request.head} into ${request.base}: conflict in ${conflicts.join(', ')}`, {
      head: request.head,
      base: request.base,
      paths: conflicts,
    });
  }
  return tree.trim();
}

/** Work trees (the main one or linked ones) that have `ref` checked out. */
async function worktreesOn(git: GitCli, ref: string): Promise<string[]> {
  const out = await git.run(['worktree', 'list', '--porcelain', '-z']);
  const dirs: string[] = [];
  let current: string | null = null;
  for (const line of out.split('\0')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch ${ref}` && current !== null) dirs.push(current);
  }
  return dirs;
}

async function assertCleanFor(worktree: GitCli, from: string, to: string, base: string): Promise<void> {
  const touched = new Set(splitZ(await worktree.run(['diff', '--name-only', '--no-renames', '-z', from, to])));
  if (touched.size === 0) return;
  // Porcelain -z entries are "XY path"; a rename adds its source as one more entry, also checked.
  const changed = splitZ(await worktree.run(['status', '--porcelain=v1', '-z', '--untracked-files=all'])).map((entry) =>
    /^.. /.test(entry) ? entry.slice(3) : entry,
  );
  const blocking = [...new Set(changed.filter((path) => touched.has(path)))];
  if (blocking.length > 0) {
    throw new ForgeError(
      `cannot merge into ${base}: it is checked out in ${worktree.dir} with uncommitted changes to ${blocking.join(', ')}; commit or stash them first`,
      { base, worktree: worktree.dir, paths: blocking },
    );
  }
}

async function updateWorktree(worktree: GitCli, from: string, to: string, base: string): Promise<void> {
  const result = await worktree.tryRun(['read-tree', '-m', '-u', from, to]);
  if (!result.ok) {
    throw new ForgeError(
      `merged into ${base}, but the work tree in ${worktree.dir} could not follow: ${result.stderr}; run "git reset --keep ${to}" there`,
      { base, worktree: worktree.dir, commit: to },
    );
  }
}

function splitZ(out: string): string[] {
  return out.split('\0').filter((part) => part !== '');
}
