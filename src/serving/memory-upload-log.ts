import { WriteOnceError } from '../errors.js';
import type { UploadLog, UploadRecord } from './upload-record.js';

/** An upload log in memory: for tests, and for applications that persist the record themselves. */
export class MemoryUploadLog implements UploadLog {
  private readonly records = new Map<string, UploadRecord>();

  async append(record: UploadRecord): Promise<void> {
    // Records are write-once, as in the SQLite log.
    if (this.records.has(record.id)) throw new WriteOnceError(`upload ${record.id} is already in the log; records are written once`, { id: record.id });
    this.records.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<UploadRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async list(query: { model: string; since?: string; until?: string; limit?: number }): Promise<UploadRecord[]> {
    const matching = [...this.records.values()]
      .filter((r) => r.model === query.model && (query.since === undefined || r.created_at >= query.since) && (query.until === undefined || r.created_at < query.until))
      // Stable: records of the same instant stay in append order.
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    return matching.slice(0, query.limit ?? matching.length).map((record) => structuredClone(record));
  }

  async close(): Promise<void> {}

  /** Records held, for tests and for a bounded application to trim on. */
  get size(): number {
    return this.records.size;
  }
}
