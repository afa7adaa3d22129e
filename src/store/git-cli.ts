import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from '../errors.js';

/** Environment variables cairn sets on git itself; simple-git strips every other GIT_* variable. */
const ALLOWED_ENV = [
  'GIT_INDEX_FILE',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_TERMINAL_PROMPT',
] as const;

export type GitEnv = Partial<Record<(typeof ALLOWED_ENV)[number], string>>;

/** The git binary, driven through simple-git, with failures turned into cairn's GitError. */
export class GitCli {
  private readonly git: SimpleGit;

  constructor(readonly dir: string) {
    this.git = this.make();
  }

  /** Runs `git <args>` and returns stdout. */
  async run(args: string[], env?: GitEnv): Promise<string> {
    const git = env ? this.make().env({ ...baseEnv(), ...env }) : this.git;
    try {
      return await git.raw(args);
    } catch (error) {
      const message = error instanceof Error ? error.message.trim() : String(error);
      throw new GitError(`git ${args[0]} failed in ${this.dir}: ${message}`, { args, dir: this.dir, stderr: message }, { cause: error });
    }
  }

  /** Runs `git <args>`; on failure returns the error text instead of throwing. */
  async tryRun(args: string[], env?: GitEnv): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
    try {
      return { ok: true, stdout: await this.run(args, env) };
    } catch (error) {
      return { ok: false, stderr: (error as GitError).data.stderr as string };
    }
  }

  /** The commit `rev` names (any git revision syntax), or null when it names none. */
  async revParse(rev: string): Promise<string | null> {
    const result = await this.tryRun(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    return result.ok ? result.stdout.trim() : null;
  }

  /** A `git config` value as git resolves it (repository, then global), or null when unset. */
  async configValue(key: string): Promise<string | null> {
    const result = await this.tryRun(['config', '--get', key]);
    return result.ok && result.stdout.trim() ? result.stdout.trim() : null;
  }

  private make(): SimpleGit {
    return simpleGit({
      baseDir: this.dir,
      allowEnvironment: [...ALLOWED_ENV],
      // simple-git treats a non-zero exit with an empty stderr as success; cairn does not.
      errors: (error, result) => {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
        return new Error(stderr || `exit code ${result.exitCode}`);
      },
    });
  }
}

/** A call with its own environment gets only these from the process, plus the allowed GIT_* ones. */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'USER', 'SSH_AUTH_SOCK'];

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...PASSED_ENV, ...ALLOWED_ENV]) if (process.env[key]) env[key] = process.env[key]!;
  return env;
}
