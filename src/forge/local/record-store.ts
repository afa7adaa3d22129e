import type { PullRequestRecord, StatusesRecord } from './pull-request-record.js';

/**
 * Where a record-keeping forge keeps its pull requests and statuses: JSON files for the local
 * forge, a map for the fake. Every write goes through `create` or `update`, which exclude
 * concurrent writers, so a read-modify-write never loses another writer's change.
 */
export interface RecordStore {
  read(number: number): Promise<PullRequestRecord | null>;
  /** All records, in order of number. */
  list(): Promise<PullRequestRecord[]>;
  /** Stores the record `make` builds for the next free number; `make` sees every existing record and may refuse by throwing. */
  create(make: (number: number, existing: PullRequestRecord[]) => PullRequestRecord): Promise<PullRequestRecord>;
  /** Replaces a record with what `edit` returns; throws NotFoundError when there is no such record. */
  update(number: number, edit: (record: PullRequestRecord) => PullRequestRecord | Promise<PullRequestRecord>): Promise<PullRequestRecord>;
  readStatuses(sha: string): Promise<StatusesRecord | null>;
  updateStatuses(sha: string, edit: (record: StatusesRecord) => StatusesRecord): Promise<void>;
}

/** The next number: one past the highest ever used, so closed pull requests keep theirs. */
export function nextNumber(existing: readonly PullRequestRecord[]): number {
  return existing.reduce((max, record) => Math.max(max, record.number), 0) + 1;
}
