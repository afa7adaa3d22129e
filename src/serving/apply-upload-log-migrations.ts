import type { Database } from 'better-sqlite3';
import { InputError, UnknownVersionError } from '../errors.js';
import { UPLOAD_LOG_MIGRATIONS, type UploadLogMigration } from './upload-log-migrations.js';

/** The table that records each schema step applied to an upload log. */
export const UPLOAD_LOG_VERSION_TABLE = 'cairn_upload_log_schema';

/**
 * Brings the database at `file` up to the last of `migrations`, each step in the same transaction as
 * the row that records it; returns the version reached. Refuses a database written by a newer cairn
 * (a version above the last step known here) with UnknownVersionError, and a database that holds
 * other tables but no upload log (an application's own) with InputError, before changing anything.
 */
export function applyUploadLogMigrations(db: Database, file: string, migrations: readonly UploadLogMigration[] = UPLOAD_LOG_MIGRATIONS): number {
  const known = migrations.at(-1)?.version ?? 0;
  // IMMEDIATE takes the write lock first, so two processes opening one file cannot both apply a step.
  return db
    .transaction(() => {
      assertUploadLogOrEmpty(db, file);
      db.exec(`CREATE TABLE IF NOT EXISTS ${UPLOAD_LOG_VERSION_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`);
      const row = db.prepare(`SELECT MAX(version) AS version FROM ${UPLOAD_LOG_VERSION_TABLE}`).get() as { version: number | null };
      const current = row.version ?? 0;
      if (current > known) {
        throw new UnknownVersionError(`${file}: upload log schema v${current} was written by a newer cairn (this one knows up to v${known}); upgrade cairn`, {
          file,
          version: current,
          known,
        });
      }
      const record = db.prepare(`INSERT INTO ${UPLOAD_LOG_VERSION_TABLE} (version, name) VALUES (?, ?)`);
      for (const step of migrations) {
        if (step.version <= current) continue;
        db.exec(step.sql);
        record.run(step.version, step.name);
      }
      return known;
    })
    .immediate();
}

function assertUploadLogOrEmpty(db: Database, file: string): void {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  if (tables.length > 0 && !tables.includes(UPLOAD_LOG_VERSION_TABLE)) {
    throw new InputError(`${file}: holds tables (${tables.join(', ')}) but no upload log; give the upload log a file of its own`, { file, rule: 'upload-log-file', tables });
  }
}
