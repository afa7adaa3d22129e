import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitError } from '../errors.js';
import { redact } from '../redact.js';
import { GitCli } from './git-cli.js';

/**
 * The git verbs that set up and synchronise a repository — what `cairn init` and the embedded
 * demo need outside a stage. Stages write through `commitStage`; nothing outside `src/store`
 * builds a git command line.
 */

/** A new repository at `dir` whose first branch is `branch`; `bare` for a stand-in remote. */
export async function initRepository(dir: string, options: { bare?: boolean; branch?: string } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await new GitCli(dir).run(['init', '--quiet', ...(options.bare ? ['--bare'] : []), `--initial-branch=${options.branch ?? 'main'}`, dir]);
}

/** A clone of `remote` at `dir`, its remote named `origin`. */
export async function cloneRepository(remote: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await new GitCli(dirname(dir)).run(['clone', '--quiet', remote, dir]);
}

/** The author and committer of this repository's commits. */
export async function setCommitIdentity(dir: string, identity: { name: string; email: string }): Promise<void> {
  const cli = new GitCli(dir);
  await cli.run(['config', 'user.name', identity.name]);
  await cli.run(['config', 'user.email', identity.email]);
}

/** Updates the remote-tracking branches of `remote`. */
export async function fetchRemote(dir: string, remote = 'origin'): Promise<void> {
  await new GitCli(dir).run(['fetch', '--quiet', remote], { GIT_TERMINAL_PROMPT: '0' });
}

/** Publishes a local branch to the branch of the same name on `remote`. */
export async function pushBranch(dir: string, branch: string, remote = 'origin'): Promise<void> {
  await new GitCli(dir).run(['push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`], { GIT_TERMINAL_PROMPT: '0' });
}

/** Brings the checked-out branch up to `remote`'s, refusing anything but a fast-forward. */
export async function pullFastForward(dir: string, branch: string, remote = 'origin'): Promise<void> {
  await new GitCli(dir).run(['pull', '--quiet', '--ff-only', remote, branch], { GIT_TERMINAL_PROMPT: '0' });
}

/** Fetches one branch of `remote` into its remote-tracking ref and returns that ref's name. */
export async function fetchBranch(dir: string, branch: string, remote = 'origin'): Promise<string> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  await new GitCli(dir).run(['fetch', '--quiet', remote, `+refs/heads/${branch}:${tracking}`], { GIT_TERMINAL_PROMPT: '0' });
  return tracking;
}

/**
 * Brings `branch` of the remote `url` into the bare mirror `mirror` (created when missing) as
 * `refs/heads/<branch>`, its tip commit only (`--depth=1`: a deployer reads one commit, never the
 * history), and returns that commit. Credentials come from git's own configuration (a credential
 * helper, `GIT_ASKPASS`) or the URL; `redact` masks a URL's userinfo in the error.
 */
export async function mirrorBranch(mirror: string, url: string, branch: string): Promise<string> {
  if (!existsSync(join(mirror, 'HEAD'))) await initRepository(mirror, { bare: true, branch });
  const cli = new GitCli(mirror);
  const ref = `refs/heads/${branch}`;
  try {
    await cli.run(['fetch', '--quiet', '--no-tags', '--depth=1', url, `+${ref}:${ref}`], { GIT_TERMINAL_PROMPT: '0' });
  } catch (error) {
    const stderr = ((error as GitError).data.stderr as string).split('\n').map((line) => line.trim()).filter(Boolean).join('; ');
    throw new GitError(redact(`fetching ${branch} of ${url} failed: ${stderr}`), { url: redact(url), branch, rule: 'remote-fetch' }, { cause: error });
  }
  return (await cli.run(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
}
