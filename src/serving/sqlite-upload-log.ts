import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError, NotFoundError, WriteOnceError } from '../errors.js';
import { applyUploadLogMigrations } from './apply-upload-log-migrations.js';
import type { UploadLog, UploadRecord } from './upload-record.js';
import { buildUploadRow, parseUploadRow, validateUploadRecord, type UploadRow } from './upload-record-row.js';
import { uploadTimeKey } from './upload-time-key.js';

export interface SqliteUploadLogOptions {
  /**
   * `full` (the default) syncs the write-ahead log at every commit, so an appended record survives
   * a power cut; `normal` survives a crash of the process but may lose the last commits to a power cut.
   */
  synchronous?: 'full' | 'normal';
  /** Told each SQL statement run, transactions' BEGIN and COMMIT included (for debugging). */
  trace?: (sql: string) => void;
}

// Keys start with a digit, so "~" sorts after every one of them: the open end of a window.
const AFTER_EVERY_KEY = '~';

interface PendingAppend {
  row: UploadRow;
  where: string;
  id: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The upload log in an embedded SQLite database (better-sqlite3), in WAL mode. Records are write-once.
 *
 * Appends commit in groups: the records appended while the event loop is busy are inserted in one
 * transaction at its next turn, so a server with many uploads in flight pays one sync of the
 * write-ahead log per group instead of one per record. Each `append` resolves once its record is
 * committed, and fails alone when its own record is refused.
 */
export class SqliteUploadLog implements UploadLog {
  private readonly insert: Database.Statement<UploadRow>;
  private readonly selectById: Database.Statement<[string], UploadRow>;
  private readonly selectWindow: Database.Statement<[string, string, string, number], UploadRow>;
  private readonly insertAll: (rows: readonly UploadRecord[]) => void;
  private readonly insertGroup: (group: readonly PendingAppend[]) => unknown[];
  private pending: PendingAppend[] = [];

  /** Use `openSqliteUploadLog`, which checks the path and brings the schema up to date first. */
  constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO uploads (id, image_sha256, unit, model, version, role, output, accepted, source, fallback_reason, shadow_output, shadow_agreed, latency_ms, created_at, created_key)
       VALUES (@id, @image_sha256, @unit, @model, @version, @role, @output, @accepted, @source, @fallback_reason, @shadow_output, @shadow_agreed, @latency_ms, @created_at, @created_key)`,
    );
    this.selectById = db.prepare('SELECT * FROM uploads WHERE id = ?');
    this.selectWindow = db.prepare('SELECT * FROM uploads WHERE model = ? AND created_key >= ? AND created_key < ? ORDER BY created_key, seq LIMIT ?');
    this.insertAll = db.transaction((records: readonly UploadRecord[]) => {
      for (const record of records) {
        const where = this.whereRecord(record);
        this.insertRow(buildUploadRow(validateUploadRecord(record, where)), where, record.id);
      }
    });
    // A record refused as a second one under its id is undone alone (SQLite rolls back the statement).
    this.insertGroup = db.transaction((group: readonly PendingAppend[]) =>
      group.map((append) => {
        try {
          this.insertRow(append.row, append.where, append.id);
          return null;
        } catch (error) {
          // Anything else (a full disk, I/O) may have ended the transaction: fail the whole group.
          if (error instanceof WriteOnceError) return error;
          throw error;
        }
      }),
    );
  }

  /**
   * Stores `record`, resolving once it is committed; refuses an invalid one at once (SchemaError
   * naming the field) and an id already stored (WriteOnceError).
   */
  append(record: UploadRecord): Promise<void> {
    const where = this.whereRecord(record);
    let row: UploadRow;
    try {
      row = buildUploadRow(validateUploadRecord(record, where));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ row, where, id: record.id, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Stores all of `records` in one transaction, or none of them when one is refused. */
  async appendAll(records: readonly UploadRecord[]): Promise<void> {
    this.insertAll(records);
  }

  async get(id: string): Promise<UploadRecord | null> {
    const row = this.selectById.get(id);
    return row === undefined ? null : parseUploadRow(row, this.where(row.id));
  }

  /** Records of `model` created in [since, until), oldest first (uploads of one instant in the order appended), at most `limit`. */
  async list(query: { model: string; since?: string; until?: string; limit?: number }): Promise<UploadRecord[]> {
    const since = query.since === undefined ? '' : this.windowKey(query.since, 'since');
    const until = query.until === undefined ? AFTER_EVERY_KEY : this.windowKey(query.until, 'until');
    const limit = query.limit ?? -1; // SQLite reads a negative LIMIT as none
    if (query.limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new InputError(`${this.file}: list limit must be a whole number >= 0, got ${String(query.limit)}`, { file: this.file, rule: 'list-limit', limit: query.limit });
    }
    return this.selectWindow.all(query.model, since, until, limit).map((row) => parseUploadRow(row, this.where(row.id)));
  }

  /** Commits the appends still pending, then closes the database. */
  async close(): Promise<void> {
    this.flush();
    this.db.close();
  }

  /** Inserts the pending appends in one transaction and settles each. */
  private flush(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    let errors: unknown[];
    try {
      errors = this.insertGroup(group);
    } catch (error) {
      // The transaction itself failed (the disk is full, the database is locked): nothing was stored.
      for (const append of group) append.reject(error);
      return;
    }
    group.forEach((append, i) => (errors[i] === null ? append.resolve() : append.reject(errors[i])));
  }

  private insertRow(row: UploadRow, where: string, id: string): void {
    try {
      this.insert.run(row);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      throw new WriteOnceError(`${where}: an upload with this id is already in the log; records are write-once`, { file: this.file, id }, { cause: error });
    }
  }

  private whereRecord(record: UploadRecord): string {
    return this.where(typeof record?.id === 'string' ? record.id : undefined);
  }

  private windowKey(value: string, field: 'since' | 'until'): string {
    const key = typeof value === 'string' ? uploadTimeKey(value) : null;
    if (key === null) {
      throw new InputError(`${this.file}: list ${field} must be a UTC time such as 2026-12-02T07:00:00Z, got ${JSON.stringify(value)}`, { file: this.file, rule: 'upload-time', field });
    }
    return key;
  }

  private where(id: string | undefined): string {
    return id === undefined ? this.file : `${this.file} upload ${JSON.stringify(id)}`;
  }
}

/**
 * Opens (creating when absent) the upload log at `path`, `:memory:` for one that lives as long as
 * the process. Refuses a path whose directory does not exist (NotFoundError), a file that is not a
 * SQLite database (InputError) and a log written by a newer cairn (UnknownVersionError).
 */
export function openSqliteUploadLog(path: string, options: SqliteUploadLogOptions = {}): SqliteUploadLog {
  if (path !== ':memory:') assertDirectoryExists(path);
  const db = new Database(path, options.trace ? { verbose: (sql) => options.trace!(String(sql)) } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    applyUploadLogMigrations(db, path);
    return new SqliteUploadLog(db, path);
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw new InputError(`${path}: not a SQLite database, so not an upload log`, { file: path, rule: 'sqlite-file' }, { cause: error });
    }
    throw error;
  }
}

function assertDirectoryExists(path: string): void {
  const directory = dirname(path);
  const stat = statSync(directory, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new NotFoundError(`${path}: directory ${directory} does not exist; create it before opening the upload log there`, { file: path, directory });
  }
}
