// Streaming Label Studio export reader against a bare JSON.parse of the same file.
// Each measurement runs in its own child process, so the peak RSS it reports (the kernel's
// ru_maxrss) belongs to that one way of reading and nothing else; times are taken inside the
// child around the reading alone, not the process start.
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { normalizeTask } from '../src/label-studio/normalize-task.js';
import { readExportTasks } from '../src/label-studio/read-export-tasks.js';
import { runBenchChild } from './child.js';
import type { Bench, BenchFigure } from './types.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(THIS_FILE), '..');
const MIB = 1024 * 1024;
type Mode = 'idle' | 'json-parse' | 'reader' | 'reader+normalize';
interface ChildResult {
  ms: number;
  tasks: number;
  maxRssBytes: number;
}

export const bench: Bench = async ({ quick }) => {
  const targetBytes = (quick ? 10 : 100) * MIB;
  const file = await generateExport(join(ROOT, '.bench', 'label-studio', `export-v1-${targetBytes / MIB}mib.json`), targetBytes);
  const bytes = statSync(file).size;
  const rounds = quick ? 1 : 3;
  const idle = await measure('idle', file, 1);
  const parse = await measure('json-parse', file, rounds);
  const reader = await measure('reader', file, rounds);
  const normalized = await measure('reader+normalize', file, rounds);
  if (reader.tasks !== parse.tasks || normalized.tasks !== parse.tasks) throw new Error(`task counts differ: ${parse.tasks}, ${reader.tasks}, ${normalized.tasks}`);

  const timeRatio = reader.ms / parse.ms;
  const rssRatio = reader.maxRssBytes / bytes;
  // The target is for a ~100 MB export; at the quick run's 10 MB the fixed size of Node itself dominates.
  const rssTarget = quick ? {} : { target: '<= 3', ok: rssRatio <= 3 };
  const figures: BenchFigure[] = [
    { label: `reader time / JSON.parse time (${(bytes / MIB).toFixed(0)} MiB, ${parse.tasks} tasks)`, value: timeRatio, unit: 'ratio', target: '<= 4', ok: timeRatio <= 4 },
    { label: 'reader peak RSS / file size', value: rssRatio, unit: 'ratio', ...rssTarget },
    { label: 'reader peak RSS above an idle child / file size', value: (reader.maxRssBytes - idle.maxRssBytes) / bytes, unit: 'ratio' },
    { label: 'reader', value: parse.tasks / (reader.ms / 1000), unit: 'tasks/s' },
    { label: 'reader + normalizeTask', value: parse.tasks / (normalized.ms / 1000), unit: 'tasks/s' },
    { label: 'JSON.parse (readFileSync + parse, median)', value: parse.ms, unit: 'ms' },
    { label: 'reader (median)', value: reader.ms, unit: 'ms' },
    { label: 'reader + normalizeTask (median)', value: normalized.ms, unit: 'ms' },
    { label: 'JSON.parse peak RSS', value: parse.maxRssBytes / MIB, unit: 'MiB' },
    { label: 'reader peak RSS', value: reader.maxRssBytes / MIB, unit: 'MiB' },
  ];
  return {
    name: 'label-studio-parse',
    figures,
    notes: [
      `median of ${rounds} run(s) per way of reading; each run is a fresh child process (node --import tsx), timed inside it`,
      `peak RSS is the child's ru_maxrss (process.resourceUsage().maxRSS), so it includes Node and tsx themselves: ${(idle.maxRssBytes / MIB).toFixed(0)} MiB in an idle child`,
      ...(quick ? ['quick run: the RSS target (<= 3x file size) is judged on the full ~100 MB run only'] : []),
      'the export is generated once, deterministically, in Label Studio\'s JSON export shape (choices + rectangle boxes, some rotated), indented by 2',
    ],
  };
};

async function measure(mode: Mode, file: string, rounds: number): Promise<ChildResult> {
  const runs: ChildResult[] = [];
  for (let i = 0; i < rounds; i++) runs.push(await runChild(mode, file));
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  return { ...median, maxRssBytes: Math.max(...runs.map((run) => run.maxRssBytes)) };
}

async function runChild(mode: Mode, file: string): Promise<ChildResult> {
  return runBenchChild<ChildResult>(THIS_FILE, [mode, file]);
}

async function child(mode: Mode, file: string): Promise<void> {
  const start = performance.now();
  let tasks = 0;
  // 'idle' reads nothing: it measures what the child costs with this module loaded.
  if (mode === 'json-parse') {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    tasks = parsed.length;
  } else if (mode !== 'idle') {
    for await (const raw of readExportTasks(file)) {
      if (mode === 'reader+normalize') normalizeTask(raw, { file, index: tasks });
      tasks++;
    }
  }
  const ms = performance.now() - start;
  const result: ChildResult = { ms, tasks, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Writes a Label Studio JSON export of about `targetBytes`, unless one is already there. */
async function generateExport(path: string, targetBytes: number): Promise<string> {
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let written = 0;
  const write = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('[\n');
  let seed = 0x2f6b1a3d;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let id = 1; written < targetBytes; id++) {
    await write(`${id > 1 ? ',\n' : ''}${JSON.stringify(exportTask(id, random), null, 2)}`);
  }
  await write('\n]\n');
  out.end();
  await once(out, 'finish');
  await rename(partial, path);
  return path;
}

const SHAPES = ['circle', 'square', 'triangle', 'ring', 'cross'];

function exportTask(id: number, random: () => number): unknown {
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString().replace('Z', '123Z');
  const pick = () => SHAPES[Math.floor(random() * SHAPES.length)]!;
  const boxes = Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => {
    const [x, y] = [random() * 60, random() * 60];
    return {
      original_width: 640,
      original_height: 480,
      image_rotation: 0,
      value: { x, y, width: random() * 30 + 5, height: random() * 30 + 5, rotation: i === 0 && random() < 0.2 ? random() * 360 : 0, rectanglelabels: [pick()] },
      id: `r${id.toString(36)}x${i}`,
      from_name: 'region',
      to_name: 'image',
      type: 'rectanglelabels',
      origin: 'manual',
    };
  });
  const choice = { value: { choices: [pick()] }, id: `c${id.toString(36)}`, from_name: 'class', to_name: 'image', type: 'choices', origin: 'manual' };
  const annotation = {
    id,
    completed_by: 1 + (id % 3),
    result: [choice, ...boxes],
    was_cancelled: false,
    ground_truth: false,
    created_at: at(id * 60),
    updated_at: at(id * 60 + 5),
    lead_time: Math.round(random() * 90_000) / 1000,
    prediction: {},
    result_count: 0,
    task: id,
    project: 1,
    parent_prediction: null,
    parent_annotation: null,
  };
  return {
    id,
    annotations: [annotation],
    drafts: [],
    predictions: [],
    data: { image: `/data/upload/1/${(id * 2654435761 >>> 0).toString(16).padStart(8, '0')}-demo-${String(id).padStart(6, '0')}.png`, taxonomy_version: 'taxonomy_v1' },
    meta: {},
    created_at: at(id),
    updated_at: at(id * 60 + 9),
    inner_id: id,
    total_annotations: 1,
    cancelled_annotations: 0,
    total_predictions: 0,
    comment_count: 0,
    unresolved_comment_count: 0,
    last_comment_updated_at: null,
    project: 1,
    updated_by: annotation.completed_by,
    comment_authors: [],
  };
}

if (process.argv[2] === '--child' && process.argv[1] && fileURLToPath(new URL(`file://${process.argv[1]}`)) === THIS_FILE) {
  await child(process.argv[3] as Mode, process.argv[4] ?? '');
}
