import { UsageError } from '../errors.js';
import type { GitCli } from '../store/git-cli.js';

/** Turns any git revision (`HEAD~1`, `origin/main`, a short id) into a commit id, or a usage error. */
export async function resolveRevision(cli: GitCli, revision: string, option: string): Promise<string> {
  const commit = await cli.revParse(revision);
  if (!commit) throw new UsageError(`${option} ${revision}: names no commit in ${cli.dir}`, { option, revision });
  return commit;
}
