// The SQLite upload log: appends/s for 100,000 records (10,000 when quick) one per transaction, as
// the deployer appends them (synchronous FULL, the default, and NORMAL), against the same records
// appended inside one transaction; then a one-hour window of one model listed through the log
// against the bare SELECT of the same rows (what parsing and re-validating each record costs).
// No targets: issue 10 sets none for the log. Files live in the OS temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openSqliteUploadLog, type SqliteUploadLogOptions } from '../src/serving/sqlite-upload-log.js';
import type { UploadRecord } from '../src/serving/upload-record.js';
import { uploadRecords } from '../test/helpers/upload-records.js';
import type { Bench, BenchFigure } from './types.js';

const START = '2026-12-02T00:00:00.000Z';

export const bench: Bench = async ({ quick }) => {
  const n = quick ? 10_000 : 100_000;
  // Two models, one upload a second: a one-hour window of one model holds 1,800 records.
  const records = uploadRecords(n, START, ['shapes', 'digits']);
  const dir = await mkdtemp(join(tmpdir(), 'cairn-upload-log-bench-'));
  try {
    const full = await appendEach(join(dir, 'full.db'), records, { synchronous: 'full' });
    const normal = await appendEach(join(dir, 'normal.db'), records, { synchronous: 'normal' });
    const batch = await appendInOneTransaction(join(dir, 'batch.db'), records);
    const window = { model: 'shapes', since: '2026-12-02T01:00:00Z', until: '2026-12-02T02:00:00Z' };
    const log = openSqliteUploadLog(join(dir, 'full.db'));
    const listed = await log.list(window);
    const rounds = quick ? 5 : 21;
    const viaLog = await median(rounds, () => log.list(window));
    await log.close();
    const raw = new Database(join(dir, 'full.db'), { readonly: true });
    const select = raw.prepare('SELECT * FROM uploads WHERE model = ? AND created_key >= ? AND created_key < ? ORDER BY created_key, seq');
    select.all('shapes', '2026-12-02T01:00:00.000000Z', '2026-12-02T02:00:00.000000Z');
    const bare = await median(rounds, () => select.all('shapes', '2026-12-02T01:00:00.000000Z', '2026-12-02T02:00:00.000000Z'));
    raw.close();
    const figures: BenchFigure[] = [
      { label: `append, one transaction per record, synchronous FULL (default), ${n} records`, value: n / full, unit: 'appends/s' },
      { label: `append, one transaction per record, synchronous NORMAL, ${n} records`, value: n / normal, unit: 'appends/s' },
      { label: `appendAll, all ${n} records in one transaction (baseline)`, value: n / batch, unit: 'appends/s' },
      { label: 'one transaction per record (FULL) vs one transaction, time ratio', value: full / batch, unit: '×' },
      { label: `list of a one-hour window, ${listed.length} records of ${n} (median)`, value: viaLog * 1000, unit: 'ms' },
      { label: 'bare SELECT of the same window, no parse or validation (baseline, median)', value: bare * 1000, unit: 'ms' },
      { label: 'list vs bare SELECT, time ratio', value: viaLog / bare, unit: '×' },
    ];
    return { name: 'upload-log', figures, notes: [`files in ${tmpdir()}; records validated against the UploadRecord schema on append and on read; list median of ${rounds} rounds after one warm-up`] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

async function appendEach(file: string, records: readonly UploadRecord[], options: SqliteUploadLogOptions): Promise<number> {
  const log = openSqliteUploadLog(file, options);
  const start = performance.now();
  for (const record of records) await log.append(record);
  const seconds = (performance.now() - start) / 1000;
  await log.close();
  return seconds;
}

async function appendInOneTransaction(file: string, records: readonly UploadRecord[]): Promise<number> {
  const log = openSqliteUploadLog(file);
  const start = performance.now();
  await log.appendAll(records);
  const seconds = (performance.now() - start) / 1000;
  await log.close();
  return seconds;
}

async function median(rounds: number, run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
