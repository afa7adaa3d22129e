import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { GitCli } from '../store/git-cli.js';

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The commit of the code that trains, for a manifest's lineage: `CAIRN_CODE_COMMIT`, else the
 * Actions run's `GITHUB_SHA`, else the HEAD of cairn's own checkout when it runs from one, else
 * `unknown` (an installed package carries no commit).
 */
export async function codeCommitFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const value of [env.CAIRN_CODE_COMMIT, env.GITHUB_SHA]) {
    if (value && COMMIT.test(value)) return value;
  }
  const root = packageRoot();
  if (!existsSync(join(root, '.git'))) return 'unknown';
  const head = await new GitCli(root).revParse('HEAD').catch(() => null);
  return head && COMMIT.test(head) ? head : 'unknown';
}
