import { join } from 'node:path';
import { ForgeError, NotFoundError, UsageError } from '../errors.js';
import { findCommonGitDir } from '../store/git-dir.js';
import { GitCli, type GitEnv } from '../store/git-cli.js';
import { FileRecordStore } from './local/file-record-store.js';
import { mergeBranches } from '../store/merge-branches.js';
import { RepoReader } from '../store/repo-reader.js';
import { diffCommits } from '../store/tree-diff.js';
import { RecordForge, type ForgeBackend, type MergeRequest } from './local/record-forge.js';
import type { Forge } from './port.js';

export interface LocalForgeOptions {
  /** A git working repository or bare repository. */
  dir: string;
  /** Clock for record timestamps and merge commit dates. */
  now?: () => Date;
  /** Who acts (author, reviewer, merger); defaults to `git config user.name`. */
  user?: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * The forge of the embedded default and of tests: pull requests between branches of one git
 * repository. Records are JSON files under `<git common dir>/cairn-forge/`, so the work tree is
 * never touched by bookkeeping and linked worktrees share one set of pull requests. Merges are
 * explicit merge commits made with git plumbing (see `mergeBranches`).
 */
export class LocalForge extends RecordForge implements Forge {
  constructor(options: LocalForgeOptions) {
    const git = new GitCli(options.dir);
    const now = options.now ?? (() => new Date());
    const backend = new GitBackend(git, now, options.user);
    super('local', new FileRecordStore(() => backend.forgeDir()), backend, now);
  }
}

class GitBackend implements ForgeBackend {
  private dir: Promise<string> | undefined;
  private userName: Promise<string> | undefined;
  private reader: RepoReader | undefined;

  constructor(
    private readonly git: GitCli,
    private readonly now: () => Date,
    private readonly userOption: string | undefined,
  ) {}

  forgeDir(): Promise<string> {
    this.dir ??= Promise.resolve().then(() => join(findCommonGitDir(this.git.dir), 'cairn-forge'));
    this.dir.catch(() => (this.dir = undefined));
    return this.dir;
  }

  branchSha(branch: string): Promise<string | null> {
    return this.git.revParse(`refs/heads/${branch}`);
  }

  async assertCommit(sha: string): Promise<void> {
    if (!FULL_SHA.test(sha)) throw new UsageError(`"${sha}" is not a full commit sha`, { sha });
    if ((await this.git.revParse(sha)) === null) throw new NotFoundError(`commit ${sha} does not exist`, { sha });
  }

  user(): Promise<string> {
    this.userName ??= (async () => {
      const name = this.userOption ?? (await this.config('user.name'));
      if (!name) throw new UsageError('no user: set `git config user.name` or name one explicitly', { dir: this.git.dir });
      return name;
    })().catch((error: unknown) => {
      this.userName = undefined;
      throw error;
    });
    return this.userName;
  }

  async merge(request: MergeRequest): Promise<string> {
    const name = await this.user();
    const email = (await this.config('user.email')) ?? 'cairn@localhost.invalid';
    const date = `${Math.floor(this.now().getTime() / 1000)} +0000`;
    const identity: GitEnv = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
      GIT_COMMITTER_DATE: date,
    };
    return mergeBranches(this.git, request, identity);
  }

  async firstParent(mergeSha: string): Promise<string> {
    const parent = await this.git.revParse(`${mergeSha}^1`);
    if (!parent) throw new NotFoundError(`merge commit ${mergeSha} has no parent in ${this.git.dir}`, { sha: mergeSha });
    return parent;
  }

  async changedFiles(baseSha: string, headSha: string): Promise<string[]> {
    this.reader ??= new RepoReader(this.git.dir);
    const mergeBase = await this.reader.mergeBase(baseSha, headSha);
    if (!mergeBase) throw new ForgeError(`${headSha} shares no history with ${baseSha}`, { base: baseSha, head: headSha });
    return (await diffCommits(this.reader, mergeBase, headSha)).map((change) => change.path);
  }

  private config(key: string): Promise<string | null> {
    return this.git.configValue(key);
  }
}
