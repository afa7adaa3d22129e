import { GitError } from '../errors.js';
import { fetchBranch } from '../store/repository-setup.js';
import type { RepoReader } from '../store/repo-reader.js';

/**
 * The newest commit of the base branch: fetched from `remote` first when there is one, so a
 * change is planned on what the remote holds, not on a stale checkout.
 */
export async function resolveBase(dir: string, reader: RepoReader, base: string, remote: string | undefined): Promise<string> {
  if (!remote) return reader.resolveCommit(base);
  const tracking = await fetchBranch(dir, base, remote).catch((error: unknown) => {
    const stderr = error instanceof GitError ? String(error.data.stderr) : String(error);
    throw new GitError(`fetch of ${base} from ${remote} failed: ${stderr}`, { remote, base, stderr }, { cause: error });
  });
  return reader.resolveCommit(tracking);
}
