import { GitError } from '../errors.js';
import { GitCli } from '../store/git-cli.js';
import type { RepoReader } from '../store/repo-reader.js';

/**
 * The newest commit of the base branch: fetched from `remote` first when there is one, so a
 * change is planned on what the remote holds, not on a stale checkout.
 */
export async function resolveBase(dir: string, reader: RepoReader, base: string, remote: string | undefined): Promise<string> {
  if (!remote) return reader.resolveCommit(base);
  const cli = new GitCli(dir);
  const tracking = `refs/remotes/${remote}/${base}`;
  const fetched = await cli.tryRun(['fetch', '--quiet', remote, `+refs/heads/${base}:${tracking}`], { GIT_TERMINAL_PROMPT: '0' });
  if (!fetched.ok) throw new GitError(`fetch of ${base} from ${remote} failed: ${fetched.stderr}`, { remote, base, stderr: fetched.stderr });
  return reader.resolveCommit(tracking);
}
