import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ForgeError, NotFoundError } from '../../errors.js';
import {
  newStatusesRecord,
  parsePullRequestRecord,
  parseStatusesRecord,
  type PullRequestRecord,
  type StatusesRecord,
} from './pull-request-record.js';
import { nextNumber, type RecordStore } from './record-store.js';

const LOCK_WAIT_MS = 10_000;
// A lock older than this was left by a process that died; merges finish well within it.
const LOCK_STALE_MS = 60_000;

let tempCounter = 0;

/**
 * Records as JSON files: `pulls/<number>.json` and `statuses/<sha>.json` under a directory
 * (`<gitdir>/cairn-forge/` for the local forge). Each file is replaced whole by a rename, so a
 * reader never sees half a file; writers take a lock directory so none loses another's change.
 */
export class FileRecordStore implements RecordStore {
  /** `root` resolves the directory lazily, so constructing the store does no I/O. */
  constructor(private readonly root: () => Promise<string>) {}

  async read(number: number): Promise<PullRequestRecord | null> {
    const file = join(await this.root(), 'pulls', `${number}.json`);
    const value = await readJson(file);
    return value === undefined ? null : parsePullRequestRecord(value, file);
  }

  async list(): Promise<PullRequestRecord[]> {
    const dir = join(await this.root(), 'pulls');
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const numbers = names.map((name) => /^(\d+)\.json$/.exec(name)?.[1]).filter((n) => n !== undefined).map(Number);
    const records = await Promise.all(numbers.sort((a, b) => a - b).map((n) => this.read(n)));
    return records.filter((record) => record !== null);
  }

  async create(make: (number: number, existing: PullRequestRecord[]) => PullRequestRecord): Promise<PullRequestRecord> {
    return this.locked(async (root) => {
      const existing = await this.list();
      const record = make(nextNumber(existing), existing);
      await writeJson(root, join('pulls', `${record.number}.json`), record);
      return record;
    });
  }

  async update(
    number: number,
    edit: (record: PullRequestRecord) => PullRequestRecord | Promise<PullRequestRecord>,
  ): Promise<PullRequestRecord> {
    return this.locked(async (root) => {
      const current = await this.read(number);
      if (!current) throw new NotFoundError(`pull request #${number} does not exist`, { number });
      const next = await edit(current);
      if (next !== current) await writeJson(root, join('pulls', `${number}.json`), next);
      return next;
    });
  }

  async readStatuses(sha: string): Promise<StatusesRecord | null> {
    const file = join(await this.root(), 'statuses', `${sha}.json`);
    const value = await readJson(file);
    return value === undefined ? null : parseStatusesRecord(value, file);
  }

  async updateStatuses(sha: string, edit: (record: StatusesRecord) => StatusesRecord): Promise<void> {
    await this.locked(async (root) => {
      const next = edit((await this.readStatuses(sha)) ?? newStatusesRecord(sha));
      await writeJson(root, join('statuses', `${sha}.json`), next);
    });
  }

  private async locked<T>(work: (root: string) => Promise<T>): Promise<T> {
    const root = await this.root();
    const lock = join(root, 'lock');
    await mkdir(root, { recursive: true });
    await acquire(lock);
    try {
      return await work(root);
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      await mkdir(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > LOCK_STALE_MS) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ForgeError(`the local forge is locked by another process (${lock}); remove it if no cairn command is running`, { lock });
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ForgeError(`${file}: not valid JSON`, { file }, { cause: error });
  }
}

async function writeJson(root: string, relative: string, value: unknown): Promise<void> {
  const file = join(root, relative);
  const temp = join(root, `.tmp-${process.pid}-${++tempCounter}.json`);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}
