import { createHash } from 'node:crypto';
import { NotFoundError, UsageError } from '../errors.js';
import { newStatusesRecord, type PullRequestRecord, type StatusesRecord } from './local/pull-request-record.js';
import { RecordForge, type ForgeBackend, type MergeRequest } from './local/record-forge.js';
import { nextNumber, type RecordStore } from './local/record-store.js';
import type { Forge } from './port.js';

export interface FakeForgeOptions {
  /** Clock for record timestamps; defaults to a fixed instant so tests can assert exact values. */
  now?: () => Date;
  /** Who acts when a call names no one; defaults to "cairn-test". */
  user?: string;
  /** Branch tips to start with; any other branch exists too, see `branchSha`. */
  branches?: Record<string, string>;
  /** The paths each branch's tip changes against any base; none when not given. */
  changedFiles?: Record<string, string[]>;
}

/** A merge the fake performed, for tests to assert on. */
export interface FakeMerge extends MergeRequest {
  sha: string;
}

/**
 * An in-memory forge for core tests: no git, no files. It shares every pull-request rule with
 * `LocalForge` (both are `RecordForge`s); only branches and merges are pretend. Every branch
 * exists: its tip is the sha given to `setBranch`, or else one derived from its name, so ids and
 * shas are the same on every run.
 */
export class FakeForge extends RecordForge implements Forge {
  private readonly fake: FakeBackend;

  constructor(options: FakeForgeOptions = {}) {
    const backend = new FakeBackend(options.user ?? 'cairn-test', options.branches ?? {});
    super('fake', new MemoryRecordStore(), backend, options.now ?? (() => new Date('2024-01-01T00:00:00.000Z')));
    this.fake = backend;
    for (const [branch, paths] of Object.entries(options.changedFiles ?? {})) backend.files.set(backend.tip(branch), paths);
  }

  /** Moves (or creates) a branch, as a push would; `changedFiles` are the paths the new tip changes. */
  setBranch(branch: string, sha: string, changedFiles: string[] = []): void {
    this.fake.branches.set(branch, sha);
    this.fake.files.set(sha, changedFiles);
  }

  /** The tip of a branch as the fake sees it. */
  branchSha(branch: string): string {
    return this.fake.tip(branch);
  }

  /** Merges performed so far, oldest first. */
  get merges(): readonly FakeMerge[] {
    return this.fake.merges;
  }
}

class FakeBackend implements ForgeBackend {
  readonly branches: Map<string, string>;
  readonly merges: FakeMerge[] = [];
  /** The paths each commit changes, whatever the base. */
  readonly files = new Map<string, string[]>();
  private readonly parents = new Map<string, string>();

  constructor(
    private readonly userName: string,
    branches: Record<string, string>,
  ) {
    this.branches = new Map(Object.entries(branches));
  }

  tip(branch: string): string {
    return this.branches.get(branch) ?? fakeSha(`branch:${branch}`);
  }

  async branchSha(branch: string): Promise<string | null> {
    return this.tip(branch);
  }

  async assertCommit(sha: string): Promise<void> {
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new UsageError(`"${sha}" is not a full commit sha`, { sha });
  }

  async user(): Promise<string> {
    return this.userName;
  }

  async merge(request: MergeRequest): Promise<string> {
    const sha = fakeSha(`merge:${this.merges.length + 1}:${request.headSha}:${this.tip(request.base)}`);
    this.merges.push({ ...request, sha });
    this.parents.set(sha, this.tip(request.base));
    this.branches.set(request.base, sha);
    return sha;
  }

  async firstParent(mergeSha: string): Promise<string> {
    const parent = this.parents.get(mergeSha);
    if (!parent) throw new NotFoundError(`the fake forge made no merge ${mergeSha}`, { sha: mergeSha });
    return parent;
  }

  async changedFiles(_baseSha: string, headSha: string): Promise<string[]> {
    return [...new Set(this.files.get(headSha) ?? [])].sort();
  }
}

/** Records in maps, copied in and out so callers never share state with the store; writes run one at a time. */
class MemoryRecordStore implements RecordStore {
  private readonly pulls = new Map<number, PullRequestRecord>();
  private readonly statuses = new Map<string, StatusesRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  async read(number: number): Promise<PullRequestRecord | null> {
    const record = this.pulls.get(number);
    return record ? structuredClone(record) : null;
  }

  async list(): Promise<PullRequestRecord[]> {
    return [...this.pulls.values()].sort((a, b) => a.number - b.number).map((record) => structuredClone(record));
  }

  create(make: (number: number, existing: PullRequestRecord[]) => PullRequestRecord): Promise<PullRequestRecord> {
    return this.serial(async () => {
      const existing = await this.list();
      const record = structuredClone(make(nextNumber(existing), existing));
      this.pulls.set(record.number, record);
      return structuredClone(record);
    });
  }

  update(number: number, edit: (record: PullRequestRecord) => PullRequestRecord | Promise<PullRequestRecord>): Promise<PullRequestRecord> {
    return this.serial(async () => {
      const current = await this.read(number);
      if (!current) throw new NotFoundError(`pull request #${number} does not exist`, { number });
      const next = structuredClone(await edit(current));
      this.pulls.set(number, next);
      return structuredClone(next);
    });
  }

  async readStatuses(sha: string): Promise<StatusesRecord | null> {
    const record = this.statuses.get(sha);
    return record ? structuredClone(record) : null;
  }

  updateStatuses(sha: string, edit: (record: StatusesRecord) => StatusesRecord): Promise<void> {
    return this.serial(async () => {
      const current = (await this.readStatuses(sha)) ?? newStatusesRecord(sha);
      this.statuses.set(sha, structuredClone(edit(current)));
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}
