import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../errors.js';

/**
 * Finds the git directory of a repository path without running git: `<dir>/.git` (a folder, or a
 * file pointing elsewhere as in linked worktrees), or `<dir>` itself for a bare repository.
 */
export function findGitDir(dir: string): string {
  const root = resolve(dir);
  const dotGit = join(root, '.git');
  if (existsSync(dotGit)) {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (pointer) return resolve(root, pointer[1]!.trim());
  }
  if (existsSync(join(root, 'HEAD')) && existsSync(join(root, 'objects'))) return root;
  throw new NotFoundError(`${root}: not a git repository`, { dir: root });
}

/** The git directory shared by all worktrees of a repository (`git rev-parse --git-common-dir`). */
export function findCommonGitDir(dir: string): string {
  const gitdir = findGitDir(dir);
  const commondir = join(gitdir, 'commondir');
  return existsSync(commondir) ? resolve(gitdir, readFileSync(commondir, 'utf8').trim()) : gitdir;
}
