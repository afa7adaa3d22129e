import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { InputError, NotFoundError, SchemaError, UnknownVersionError, WriteOnceError } from '../../src/errors.js';
import { applyUploadLogMigrations, UPLOAD_LOG_VERSION_TABLE } from '../../src/serving/apply-upload-log-migrations.js';
import { openSqliteUploadLog, type SqliteUploadLog } from '../../src/serving/sqlite-upload-log.js';
import { UPLOAD_LOG_MIGRATIONS } from '../../src/serving/upload-log-migrations.js';
import type { UploadRecord } from '../../src/serving/upload-record.js';
import type { UploadRecordSchema } from '../../src/serving/upload-record-schema.js';
import { rejection } from '../helpers/rejection.js';
import { thrown } from '../helpers/thrown.js';
import { uploadRecord, uploadRecords } from '../helpers/upload-records.js';

let log: SqliteUploadLog;
let dir: string;

beforeEach(async () => {
  log = openSqliteUploadLog(':memory:');
  dir = await mkdtemp(join(tmpdir(), 'cairn-upload-log-'));
});

afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

const ids = (records: UploadRecord[]) => records.map((record) => record.id);

describe('the upload record schema', () => {
  it('describes exactly the UploadRecord type', () => {
    expectTypeOf<Static<typeof UploadRecordSchema>>().toEqualTypeOf<UploadRecord>();
  });
});

describe('append and get', () => {
  it('read back a record equal to the one written: unicode unit, shadow, fractional numbers', async () => {
    const record = uploadRecord({ id: 'téléversement-①', unit: 'tenant/東京-🙂', latency_ms: 0.1 + 0.2 });
    await log.append(record);
    expect(await log.get('téléversement-①')).toStrictEqual(record);
  });

  it('read back null outputs and shadows, and a fallback that was not accepted', async () => {
    const record = uploadRecord({ id: 'fb', version: null, role: 'none', output: null, accepted: false, source: 'fallback', fallback_reason: 'unavailable', shadow: null, latency_ms: 0 });
    await log.append(record);
    expect(await log.get('fb')).toStrictEqual(record);
  });

  it('read back a shadow that disagreed', async () => {
    const record = uploadRecord({ id: 'sh', shadow: { output: { version: '2.0.0', classes: [{ label: 'square', score: 1e-9 }], regions: [] }, agreed: false } });
    await log.append(record);
    expect(await log.get('sh')).toStrictEqual(record);
  });

  it('answer null for an id that was never appended', async () => {
    await log.append(uploadRecord());
    expect(await log.get('upload-2')).toBeNull();
  });

  it('refuse a second record with an id already stored, keeping the first (write-once)', async () => {
    const first = uploadRecord();
    await log.append(first);
    const error = await rejection(log.append(uploadRecord({ unit: 'someone-else', accepted: false })));
    expect(error).toBeInstanceOf(WriteOnceError);
    expect((error as WriteOnceError).data).toEqual({ file: ':memory:', id: 'upload-1' });
    expect(await log.get('upload-1')).toStrictEqual(first);
  });

  it('commit the appends of one turn of the event loop together, each settling alone: a second id refused, the rest stored', async () => {
    const transactions: string[] = [];
    const traced = openSqliteUploadLog(join(dir, 'traced.db'), { trace: (sql) => /^(BEGIN|COMMIT)/.test(sql) && transactions.push(sql) });
    transactions.length = 0; // the schema's, at open
    try {
      const settled = await Promise.allSettled([uploadRecord({ id: 'a' }), uploadRecord({ id: 'b' }), uploadRecord({ id: 'a', unit: 'someone-else' }), uploadRecord({ id: 'c' })].map((record) => traced.append(record)));
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(WriteOnceError);
      expect(ids(await traced.list({ model: 'shapes' }))).toEqual(['a', 'b', 'c']);
      expect(transactions).toEqual(['BEGIN', 'COMMIT']);
      // A record that breaks the schema is refused before it joins a group.
      await expect(traced.append({ ...uploadRecord({ id: 'd' }), accepted: 'yes' } as unknown as UploadRecord)).rejects.toBeInstanceOf(SchemaError);
    } finally {
      await traced.close();
    }
  });

  it('commit the appends still pending when closed', async () => {
    const file = join(dir, 'closing.db');
    const closing = openSqliteUploadLog(file);
    const appended = closing.append(uploadRecord({ id: 'last' }));
    await closing.close();
    await appended;
    const again = openSqliteUploadLog(file);
    expect(await again.get('last')).not.toBeNull();
    await again.close();
  });

  it('store all of a batch or, when one record is refused, none of it', async () => {
    await log.appendAll([uploadRecord({ id: 'a' }), uploadRecord({ id: 'b' })]);
    const error = await rejection(log.appendAll([uploadRecord({ id: 'c' }), uploadRecord({ id: 'a' })]));
    expect(error).toBeInstanceOf(WriteOnceError);
    expect(await log.get('c')).toBeNull();
    expect(ids(await log.list({ model: 'shapes' }))).toEqual(['a', 'b']);
  });

  it.each([
    ['a negative latency', { latency_ms: -1 }, '/latency_ms'],
    ['a score above 1 in the shadow', { shadow: { output: { version: '1', classes: [{ label: 'x', score: 1.5 }], regions: [] }, agreed: true } }, '/shadow/output/classes/0/score'],
    ['a box of three numbers', { output: { version: '1', classes: [], regions: [{ label: 'x', score: 0.5, box: [1, 2, 3] }] } }, '/output/regions/0/box'],
    ['an unknown fallback reason', { fallback_reason: 'tired' }, '/fallback_reason'],
    ['a time with an offset', { created_at: '2026-12-02T08:00:00+01:00' }, '/created_at'],
    ['a time finer than microseconds', { created_at: '2026-12-02T07:00:00.1234567Z' }, '/created_at'],
    ['no such day', { created_at: '2026-02-30T07:00:00Z' }, '/created_at'],
    ['a leap second, which has no place in time order', { created_at: '2016-12-31T23:59:60Z' }, '/created_at'],
    ['a field the record does not have', { extra: 1 }, '/'],
    ['NaN for a latency', { latency_ms: Number.NaN }, '/latency_ms'],
  ])('refuse %s, naming the field, and store nothing', async (_, overrides, path) => {
    const error = await rejection(log.append({ ...uploadRecord(), ...overrides } as UploadRecord));
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).errors.map((fault) => fault.path)).toContain(path);
    expect(error.message).toContain(':memory: upload "upload-1"');
    expect(await log.get('upload-1')).toBeNull();
  });

  it('refuse a stored row that no longer matches the schema when reading it', async () => {
    const file = join(dir, 'uploads.db');
    const onDisk = openSqliteUploadLog(file);
    await onDisk.append(uploadRecord());
    new Database(file).prepare(`UPDATE uploads SET output = '{"version":"1.2.0"}'`).run();
    const error = await rejection(onDisk.get('upload-1'));
    await onDisk.close();
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).errors[0]?.path).toBe('/output');
  });
});

describe('list', () => {
  const at = (seconds: string) => `2026-12-02T07:00:${seconds}Z`;

  beforeEach(async () => {
    // Appended out of time order, with two precisions, another model, and two uploads of one instant.
    await log.append(uploadRecord({ id: 'c', created_at: at('02.000') }));
    await log.append(uploadRecord({ id: 'a', created_at: at('00') }));
    await log.append(uploadRecord({ id: 'b', created_at: at('00.5') }));
    await log.append(uploadRecord({ id: 'other', model: 'digits', created_at: at('01') }));
    await log.append(uploadRecord({ id: 'd1', created_at: at('03.000001') }));
    await log.append(uploadRecord({ id: 'd2', created_at: at('03.000001') }));
  });

  it('return a model’s records oldest first, one instant in the order appended', async () => {
    expect(ids(await log.list({ model: 'shapes' }))).toEqual(['a', 'b', 'c', 'd1', 'd2']);
    expect(ids(await log.list({ model: 'digits' }))).toEqual(['other']);
    expect(await log.list({ model: 'nothing' })).toEqual([]);
  });

  it('keep [since, until): since included, until excluded, whatever the precision written', async () => {
    expect(ids(await log.list({ model: 'shapes', since: at('00.500000'), until: at('02') }))).toEqual(['b']);
    expect(ids(await log.list({ model: 'shapes', since: at('02'), until: at('03.000002') }))).toEqual(['c', 'd1', 'd2']);
    expect(ids(await log.list({ model: 'shapes', since: at('00.000001') }))).toEqual(['b', 'c', 'd1', 'd2']);
    expect(ids(await log.list({ model: 'shapes', until: at('00.5') }))).toEqual(['a']);
    expect(await log.list({ model: 'shapes', since: at('02'), until: at('02') })).toEqual([]);
  });

  it('return at most limit records, the oldest', async () => {
    expect(ids(await log.list({ model: 'shapes', limit: 2 }))).toEqual(['a', 'b']);
    expect(ids(await log.list({ model: 'shapes', since: at('01'), limit: 2 }))).toEqual(['c', 'd1']);
    expect(await log.list({ model: 'shapes', limit: 0 })).toEqual([]);
  });

  it.each([
    [{ since: 'yesterday' }, 'upload-time'],
    [{ until: '2026-12-02 07:00:00' }, 'upload-time'],
    [{ limit: -1 }, 'list-limit'],
    [{ limit: 1.5 }, 'list-limit'],
  ])('refuse a malformed query %j with an InputError naming the rule', async (query, rule) => {
    const error = await rejection(log.list({ model: 'shapes', ...query }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data.rule).toBe(rule);
  });
});

describe('a log in a file', () => {
  it('keeps its records when reopened, in WAL mode, at the schema version of this build', async () => {
    const file = join(dir, 'uploads.db');
    const records = uploadRecords(50, '2026-12-02T07:00:00.000Z', ['shapes', 'digits']);
    const first = openSqliteUploadLog(file);
    for (const record of records) await first.append(record);
    await first.close();

    const again = openSqliteUploadLog(file);
    const shapes = await again.list({ model: 'shapes' });
    expect(await again.get('upload-49')).toStrictEqual(records[49]);
    await again.close();
    expect(shapes).toStrictEqual(records.filter((record) => record.model === 'shapes'));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare(`SELECT version, name FROM ${UPLOAD_LOG_VERSION_TABLE}`).all()).toEqual([{ version: 1, name: 'uploads' }]);
    raw.close();
  });

  it('answers the windowed list from the index on model and time', async () => {
    const file = join(dir, 'uploads.db');
    (await openSqliteUploadLog(file).close());
    const raw = new Database(file, { readonly: true });
    const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT * FROM uploads WHERE model = 'm' AND created_key >= 'a' AND created_key < 'b' ORDER BY created_key, seq LIMIT 10").all() as { detail: string }[];
    const byId = raw.prepare("EXPLAIN QUERY PLAN SELECT * FROM uploads WHERE id = 'x'").all() as { detail: string }[];
    raw.close();
    expect(plan.map((step) => step.detail)).toEqual(['SEARCH uploads USING INDEX uploads_by_model_time (model=? AND created_key>? AND created_key<?)']);
    expect(byId.map((step) => step.detail)).toEqual(['SEARCH uploads USING INDEX sqlite_autoindex_uploads_1 (id=?)']);
  });

  it('is refused when written by a newer cairn, and left as it was', async () => {
    const file = join(dir, 'uploads.db');
    await openSqliteUploadLog(file).close();
    const raw = new Database(file);
    raw.prepare(`INSERT INTO ${UPLOAD_LOG_VERSION_TABLE} (version, name) VALUES (2, 'from-the-future')`).run();
    raw.close();

    const error = thrown(() => openSqliteUploadLog(file));
    expect(error).toBeInstanceOf(UnknownVersionError);
    expect((error as UnknownVersionError).data).toEqual({ file, version: 2, known: 1 });
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT MAX(version) AS v FROM ${UPLOAD_LOG_VERSION_TABLE}`).get()).toEqual({ v: 2 });
    after.close();
  });

  it('takes a later step of the schema forward, once, keeping the records', async () => {
    const file = join(dir, 'uploads.db');
    const first = openSqliteUploadLog(file);
    await first.append(uploadRecord());
    await first.close();
    const later = [...UPLOAD_LOG_MIGRATIONS, { version: 2, name: 'region-count', sql: 'ALTER TABLE uploads ADD COLUMN region_count INTEGER' }];

    const raw = new Database(file);
    expect(applyUploadLogMigrations(raw, file, later)).toBe(2);
    expect(applyUploadLogMigrations(raw, file, later)).toBe(2);
    expect(raw.prepare(`SELECT version FROM ${UPLOAD_LOG_VERSION_TABLE} ORDER BY version`).all()).toEqual([{ version: 1 }, { version: 2 }]);
    expect(raw.prepare('SELECT id, region_count FROM uploads').all()).toEqual([{ id: 'upload-1', region_count: null }]);
    raw.close();
  });

  it('is refused with NotFoundError when its directory does not exist', () => {
    const file = join(dir, 'missing', 'uploads.db');
    const error = thrown(() => openSqliteUploadLog(file));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).data).toEqual({ file, directory: join(dir, 'missing') });
  });

  it('is refused with InputError in a database that holds other tables but no upload log, which is left as it was', () => {
    const file = join(dir, 'app.db');
    const app = new Database(file);
    app.exec('CREATE TABLE uploads (id TEXT)');
    app.close();
    const error = thrown(() => openSqliteUploadLog(file));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toEqual({ file, rule: 'upload-log-file', tables: ['uploads'] });
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['uploads']);
    after.close();
  });

  it('is refused with InputError when the file is not a SQLite database', async () => {
    const file = join(dir, 'notes.db');
    await writeFile(file, 'not a database '.repeat(20));
    const error = thrown(() => openSqliteUploadLog(file));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data.rule).toBe('sqlite-file');
  });
});

describe('10,000 uploads', () => {
  it('are all kept, and a window lists exactly the records of its model and time', async () => {
    const records = uploadRecords(10_000, '2026-12-02T00:00:00.000Z', ['shapes', 'digits']);
    for (const record of records) await log.append(record);
    // Uploads are one second apart: [01:00, 02:00) holds uploads 3600..7199, the even ones are shapes.
    const window = await log.list({ model: 'shapes', since: '2026-12-02T01:00:00Z', until: '2026-12-02T02:00:00.000000Z' });
    const expected = records.slice(3600, 7200).filter((record) => record.model === 'shapes');
    expect(window).toHaveLength(1800);
    expect(window).toStrictEqual(expected);
    expect(ids(await log.list({ model: 'digits', since: '2026-12-02T02:46:39Z', limit: 3 }))).toEqual(['upload-9999']);
    expect(await log.list({ model: 'shapes' })).toHaveLength(5000);
  });
});
