import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GitError, PushConflictError } from '../errors.js';
import { checkWrites } from './check-writes.js';
import { createCommit, formatCommitMessage, type FileWrite } from './commit-files.js';
import { GitCli, type GitEnv } from './git-cli.js';
import { findGitDir } from './git-dir.js';
import { RepoReader } from './repo-reader.js';

export interface StageFiles {
  subject: string;
  body?: string;
  files: FileWrite[];
  /** Extra trailers besides Cairn-Stage, Cairn-Run and one Cairn-Artifact per file. */
  trailers?: Array<readonly [string, string]>;
}

/**
 * The files to write and `value`: what the stage learnt while planning (the version it chose, the
 * report it built), handed back by `commitStage` from the plan that was committed. Required when
 * the planner has a value to give, optional when it has none.
 */
export type StagePlan<T = undefined> = StageFiles & (undefined extends T ? { value?: T } : { value: T });

/** Planners read the repository at `parent` (null in an empty repository) and return the files to write. */
export type StagePlanner<T = undefined> = (context: { reader: RepoReader; parent: string | null }) => Promise<StagePlan<T>> | StagePlan<T>;

export interface CommitStageOptions<T = undefined> {
  /** A non-bare clone (the work tree follows the commit) or a bare repository. */
  dir: string;
  stage: string;
  runId: string;
  plan: StagePlanner<T>;
  /** Branch to commit on; defaults to the checked-out branch. */
  branch?: string;
  /** Where a branch that does not exist yet (on the remote, when pushing) starts; defaults to HEAD. */
  startPoint?: string;
  /** Push to this remote after committing, re-planning on top of whatever another run pushed first. */
  push?: { remote?: string; maxAttempts?: number; backoffMs?: number };
  author?: { name: string; email: string };
}

export interface CommitStageResult<T = undefined> {
  /** The new commit, or null when every file was already committed as it is. */
  commit: string | null;
  parent: string | null;
  branch: string;
  files: string[];
  attempts: number;
  pushed: boolean;
  /** The value of the plan that was committed (the last one, after any re-plan). */
  value: StagePlan<T>['value'];
}

/**
 * Writes one stage's artifacts as one commit. The plan is checked (schemas, checksums,
 * write-once) before anything is written; the commit is built off the work tree and becomes
 * visible only through an atomic compare-and-swap of the branch ref. When pushing loses a race,
 * the stage is re-planned on top of the remote's new tip (a rebase of its one commit), so no
 * write is lost and rollout changes are recomputed against the newest state.
 */
export async function commitStage<T = undefined>(options: CommitStageOptions<T>): Promise<CommitStageResult<T>> {
  const cli = new GitCli(options.dir);
  const reader = new RepoReader(options.dir);
  const branch = options.branch ?? (await currentBranch(cli));
  const identity = await commitIdentity(cli, options.author);
  const checkedOut = await checkedOutBranch(cli);
  await finishInterruptedSync(cli);
  const remote = options.push?.remote ?? 'origin';
  const maxAttempts = options.push ? (options.push.maxAttempts ?? 30) : 1;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const localTip = await reader.resolveCommit(`refs/heads/${branch}`).catch(() => null);
    const pushedTip = options.push ? await remoteParent(cli, remote, branch, localTip) : localTip;
    // A branch the remote does not have yet starts at the start point, never as a root commit.
    const parent = pushedTip ?? (await startPoint(cli, options.startPoint));
    const plan = await options.plan({ reader, parent });
    const files = await checkWrites(reader, parent, plan.files);
    const paths = files.map((file) => file.path);
    if (files.length === 0) {
      // Nothing to write: a local branch behind the remote catches up; no branch is created.
      if (pushedTip && localTip !== pushedTip) await moveBranch(cli, branch, localTip, pushedTip, checkedOut);
      return { commit: null, parent, branch, files: [], attempts: attempt, pushed: false, value: plan.value };
    }
    if (checkedOut === branch) await assertWorkTreeClean(reader, localTip, paths);
    const trailers: Array<readonly [string, string]> = [
      ['Cairn-Stage', options.stage],
      ['Cairn-Run', options.runId],
      ...(plan.trailers ?? []),
      ...paths.map((path) => ['Cairn-Artifact', path] as const),
    ];
    const commit = await createCommit(cli, reader.gitdir, parent, files, formatCommitMessage(plan.subject, plan.body, trailers), identity);
    if (options.push) {
      const pushed = await cli.tryRun(['push', '--porcelain', remote, `${commit}:refs/heads/${branch}`], { GIT_TERMINAL_PROMPT: '0' });
      if (!pushed.ok) {
        if (!isRaceLost(pushed.stderr)) throw new GitError(`push to ${remote} failed: ${pushed.stderr}`, { remote, branch, stderr: pushed.stderr });
        await sleep(backoff(attempt, options.push.backoffMs ?? 20));
        continue;
      }
    }
    await moveBranch(cli, branch, localTip, commit, checkedOut);
    return { commit, parent, branch, files: paths, attempts: attempt, pushed: Boolean(options.push), value: plan.value };
  }
  throw new PushConflictError(`push of stage ${options.stage} lost the race ${maxAttempts} times; try again`, { branch, remote, attempts: maxAttempts });
}

async function currentBranch(cli: GitCli): Promise<string> {
  const branch = await headBranch(cli);
  if (!branch) throw new GitError(`${cli.dir}: HEAD is detached; name a branch to commit on`, { dir: cli.dir });
  return branch;
}

/** The branch HEAD names, read from the git directory (no process): null when detached. */
async function headBranch(cli: GitCli): Promise<string | null> {
  const head = await readFile(join(findGitDir(cli.dir), 'HEAD'), 'utf8').catch(() => '');
  const match = /^ref: refs\/heads\/(.+)$/m.exec(head);
  return match ? match[1]!.trim() : null;
}

async function startPoint(cli: GitCli, start: string | undefined): Promise<string | null> {
  if (start === undefined) return cli.revParse('HEAD');
  const commit = await cli.revParse(start);
  if (!commit) throw new GitError(`start point "${start}" names no commit`, { start });
  return commit;
}

/** Fetches the remote branch; the local branch may be behind it but must not hold unpushed commits. */
async function remoteParent(cli: GitCli, remote: string, branch: string, localTip: string | null): Promise<string | null> {
  const fetched = await cli.tryRun(['fetch', '--quiet', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`], { GIT_TERMINAL_PROMPT: '0' });
  if (!fetched.ok && !/couldn't find remote ref/i.test(fetched.stderr)) {
    throw new GitError(`fetch from ${remote} failed: ${fetched.stderr}`, { remote, branch, stderr: fetched.stderr });
  }
  const remoteTip = fetched.ok ? await cli.revParse(`refs/remotes/${remote}/${branch}`) : null;
  if (localTip && localTip !== remoteTip) {
    const behind = remoteTip ? await cli.tryRun(['merge-base', '--is-ancestor', localTip, remoteTip]) : { ok: false };
    if (!behind.ok) {
      throw new GitError(`${branch} has commits that ${remote} does not; push or reset them before running a stage`, { branch, remote });
    }
  }
  return remoteTip;
}

/**
 * Moves the branch (compare-and-swap) and, when it is checked out, brings index and work tree
 * along. The two cannot change in one atomic step, so the move is journalled first: a process
 * killed between them leaves `cairn-sync` behind, and the next stage finishes the job.
 */
async function moveBranch(cli: GitCli, branch: string, from: string | null, to: string, checkedOut: string | null): Promise<void> {
  const journal = checkedOut === branch ? await syncJournal(cli) : null;
  if (journal) await writeFile(journal, `${branch} ${from ?? '-'} ${to}\n`);
  await cli.run(['update-ref', `refs/heads/${branch}`, to, from ?? '0'.repeat(40)]);
  if (journal) {
    await cli.run(from ? ['read-tree', '-m', '-u', from, to] : ['read-tree', '-m', '-u', to]);
    await rm(journal, { force: true });
  }
}

/** Completes a work-tree sync that a killed stage left half done (see moveBranch). */
export async function finishInterruptedSync(cli: GitCli): Promise<void> {
  const journal = await syncJournal(cli);
  const entry = await readFile(journal, 'utf8').catch(() => null);
  if (entry === null) return;
  const [branch, from, to] = entry.trim().split(' ');
  // The journal says a cairn stage died while git held the index: the lock is that git's.
  await rm(join(dirname(journal), 'index.lock'), { force: true });
  if ((await cli.revParse(`refs/heads/${branch}`)) === to && (await checkedOutBranch(cli)) === branch) {
    await removeHalfCheckedOutFiles(cli, from && from !== '-' ? from : null, to!);
    await cli.run(from && from !== '-' ? ['read-tree', '-m', '-u', from, to!] : ['read-tree', '-m', '-u', to!]);
  }
  await rm(journal, { force: true });
}

/**
 * A sync killed mid-way may have written some of the commit's files (possibly half of one)
 * without indexing them. The stage checked before writing that none of its paths held local
 * files, so untracked files at those paths are the sync's own leftovers: they are removed and the
 * sync redone.
 */
async function removeHalfCheckedOutFiles(cli: GitCli, from: string | null, to: string): Promise<void> {
  const changed = (await cli.run(from ? ['diff', '--name-only', '-z', from, to] : ['ls-tree', '-r', '--name-only', '-z', to])).split('\0').filter(Boolean);
  if (changed.length === 0) return;
  const untracked = (await cli.run(['ls-files', '--others', '-z', '--', ...changed])).split('\0').filter(Boolean);
  for (const path of untracked) await rm(join(cli.dir, path), { force: true });
}

async function syncJournal(cli: GitCli): Promise<string> {
  return join(findGitDir(cli.dir), 'cairn-sync');
}

/** The branch checked out in a work tree, or null in a bare repository or on a detached HEAD. */
async function checkedOutBranch(cli: GitCli): Promise<string | null> {
  const bare = findGitDir(cli.dir) === resolve(cli.dir);
  return bare ? null : headBranch(cli);
}

/** Local edits to the paths a stage writes would be overwritten: refuse before writing anything. */
async function assertWorkTreeClean(reader: RepoReader, tip: string | null, paths: string[]): Promise<void> {
  // Compared in-process: `git status` would refresh the whole index, re-hashing any large file
  // a stage has just checked out.
  const dirty: string[] = [];
  for (const path of paths) {
    const onDisk = await readFile(join(reader.dir, path)).catch(() => null);
    const committed = tip ? await reader.readFile(tip, path) : null;
    const same = onDisk === null ? committed === null : committed !== null && onDisk.equals(committed);
    if (!same) dirty.push(path);
  }
  if (dirty.length > 0) throw new GitError(`local changes to files this stage writes: ${dirty.join(', ')}`, { dir: reader.dir, paths: dirty });
}

async function commitIdentity(cli: GitCli, author: CommitStageOptions<unknown>['author']): Promise<GitEnv> {
  const configured = await cli.tryRun(['var', 'GIT_COMMITTER_IDENT']);
  const name = author?.name ?? (configured.ok ? undefined : 'cairn');
  const email = author?.email ?? (configured.ok ? undefined : 'cairn@localhost');
  if (!name || !email) return {};
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

function isRaceLost(stderr: string): boolean {
  return /non-fast-forward|fetch first|failed to update ref|cannot lock ref|incorrect old value|stale info/i.test(stderr);
}

function backoff(attempt: number, baseMs: number): number {
  // Jitter keeps two racing runs from retrying in lockstep.
  return Math.min(2000, baseMs * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
