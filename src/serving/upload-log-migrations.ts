/** One step of the upload log's schema. Steps are forward-only: a released step is never edited. */
export interface UploadLogMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The upload log's schema, step by step, oldest first. A later cairn appends a step (a column, an
 * index); a database already at that version skips it, and this build refuses a database whose
 * version is above the last step it knows.
 */
export const UPLOAD_LOG_MIGRATIONS: readonly UploadLogMigration[] = [
  {
    version: 1,
    name: 'uploads',
    // created_key is created_at in fixed-width form, which sorts in time order (uploadTimeKey);
    // seq keeps insertion order among uploads of the same microsecond.
    sql: `
      CREATE TABLE uploads (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        image_sha256 TEXT NOT NULL,
        unit TEXT NOT NULL,
        model TEXT NOT NULL,
        version TEXT,
        role TEXT NOT NULL,
        output TEXT,
        accepted INTEGER NOT NULL,
        source TEXT NOT NULL,
        fallback_reason TEXT,
        shadow_output TEXT,
        shadow_agreed INTEGER,
        latency_ms REAL NOT NULL,
        created_at TEXT NOT NULL,
        created_key TEXT NOT NULL
      );
      CREATE INDEX uploads_by_model_time ON uploads (model, created_key);
    `,
  },
];
