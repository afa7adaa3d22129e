// Ingest and validate a generated 100,000-task Label Studio export into a fresh model repository,
// against a bare JSON.parse of the same file. Each measurement runs in its own child process, so
// its peak RSS (ru_maxrss) belongs to that one job; times are taken inside the child.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { exportFileSource } from '../src/dataset/label-studio-source.js';
import { runIngest } from '../src/dataset/run-ingest.js';
import { runValidate } from '../src/dataset/run-validate.js';
import { buildDemoDataset } from '../src/demo/build-demo-dataset.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { initModelRepo } from '../test/helpers/model-repo.js';
import { runBenchChild } from './child.js';
import type { Bench } from './types.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(THIS_FILE), '..');
const MIB = 1024 * 1024;
type Mode = 'json-parse' | 'ingest+validate';
interface ChildResult {
  ms: number;
  ingestMs: number;
  items: number;
  maxRssBytes: number;
}

export const bench: Bench = async ({ quick }) => {
  const tasks = quick ? 10_000 : 100_000;
  const file = await generateExport(join(ROOT, '.bench', 'ingest', `export-${tasks}.json`), tasks);
  const bytes = statSync(file).size;
  const parse = await runChild('json-parse', file);
  const ingest = await runChild('ingest+validate', file);
  if (ingest.items !== tasks) throw new Error(`ingested ${ingest.items} items of ${tasks} tasks`);
  const timeRatio = ingest.ms / parse.ms;
  const rssRatio = ingest.maxRssBytes / bytes;
  return {
    name: 'ingest',
    figures: [
      { label: `ingest + validate time / JSON.parse time (${(bytes / MIB).toFixed(0)} MiB, ${tasks} tasks)`, value: timeRatio, unit: 'ratio', target: '<= 4', ok: timeRatio <= 4 },
      { label: 'ingest + validate peak RSS / file size', value: rssRatio, unit: 'ratio', ...(quick ? {} : { target: '<= 3', ok: rssRatio <= 3 }) },
      { label: 'ingest + validate', value: tasks / (ingest.ms / 1000), unit: 'tasks/s' },
      { label: 'ingest alone', value: ingest.ingestMs, unit: 'ms' },
      { label: 'ingest + validate', value: ingest.ms, unit: 'ms' },
      { label: 'JSON.parse (readFileSync + parse)', value: parse.ms, unit: 'ms' },
      { label: 'JSON.parse peak RSS / file size', value: parse.maxRssBytes / bytes, unit: 'ratio' },
    ],
    notes: [
      'each job runs in a fresh child process (node --import tsx); peak RSS is its ru_maxrss, Node itself included',
      'ingest: stream, normalise, plan, check and commit items.jsonl in one stage commit; validate: read it back and run every check; images are not fetched',
    ],
  };
};

async function generateExport(path: string, count: number): Promise<string> {
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true });
  const dataset = buildDemoDataset({ seed: 11, count, startDate: new Date('2026-11-01T00:00:00Z') });
  await writeFile(path, JSON.stringify(dataset.exports.first));
  return path;
}

async function runChild(mode: Mode, file: string): Promise<ChildResult> {
  return runBenchChild<ChildResult>(THIS_FILE, [mode, file]);
}

async function child(mode: Mode, file: string): Promise<void> {
  if (mode === 'json-parse') {
    const start = performance.now();
    const tasks = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    const ms = performance.now() - start;
    process.stdout.write(`${JSON.stringify({ ms, ingestMs: 0, items: tasks.length, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-ingest-'));
  const dir = join(root, 'repo');
  const classes = ['circle', 'square', 'triangle', 'ring', 'cross'];
  await initModelRepo(dir, { dataset: 'shapes', taxonomy: { version: 'taxonomy_v1', classes, regionClasses: classes } });
  const now = () => new Date('2026-11-22T00:00:00Z');
  const start = performance.now();
  const reader = new RepoReader(dir);
  const ingested = await runIngest({ dir, reader, dataset: 'shapes', source: exportFileSource(file), fetchImage: null, runId: 'bench', now });
  const ingestMs = performance.now() - start;
  await runValidate({ dir, reader, dataset: 'shapes', runId: 'bench', now });
  const ms = performance.now() - start;
  await rm(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ ms, ingestMs, items: ingested.added, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

if (process.argv[2] === '--child') await child(process.argv[3] as Mode, process.argv[4]!);
