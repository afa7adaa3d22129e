import { statSync } from 'node:fs';
import { NotFoundError, UsageError } from '../errors.js';
import { findGitDir } from '../store/git-dir.js';

/**
 * Throws unless `dir` is a directory holding a git repository (the top of one, as every reader
 * expects), naming the path: a `NotFoundError` for a missing directory, a `UsageError` otherwise.
 */
export function assertRepositoryDir(dir: string, fromOption: boolean): void {
  const name = fromOption ? `-C ${dir}` : `the current directory ${dir}`;
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new NotFoundError(`${name}: no such directory`, { dir, rule: 'repository-dir' });
  if (!stat.isDirectory()) throw new UsageError(`${name}: is not a directory`, { dir, rule: 'repository-dir' });
  try {
    findGitDir(dir);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new UsageError(`${name}: is not a git repository (give the top directory of a model repository, or run cairn init there)`, { dir, rule: 'repository-dir' });
  }
}
