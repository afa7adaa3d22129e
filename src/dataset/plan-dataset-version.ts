import { createHash } from 'node:crypto';
import { formatJsonLine } from '../artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../artifacts/codec.js';
import { schemaTag } from '../artifacts/kinds.js';
import { validateArtifact } from '../artifacts/validate.js';
import { paths } from '../artifacts/layout.js';
import type { DatasetArtifact, DatasetItem, DatasetItemV2, WeakLabel } from '../artifacts/schemas/dataset.js';
import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import type { FileWrite } from '../store/commit-files.js';
import { DatasetVersion } from './dataset-version.js';
import { formatItemLine } from './format-item-line.js';
import { LabelLists } from './label-lists.js';
import { assignSplit } from './split.js';

/** One labelled task, normalised, with its image facts; the item it becomes has this id. */
export interface IngestedItem {
  id: string;
  taskId: number;
  updatedAt: string;
  item: Omit<DatasetItemV2, 'schema' | 'id' | 'split'>;
}

/** The previous version, read item by item (see `readDatasetVersion`). */
export interface ParentVersion {
  manifest: DatasetArtifact;
  manifestRef: { path: string; sha256: string };
  weakLabels: WeakLabel[];
  forEachItem(visit: (item: DatasetItem, text: string) => void): number;
}

export interface DatasetVersionPlan {
  version: string;
  manifest: DatasetArtifact;
  files: FileWrite[];
  added: number;
  updated: number;
}

/** An ingested item already in its committed form: its line and what the counts need. */
export interface PreparedItem {
  id: string;
  taskId: number;
  updatedAt: string;
  entry: Entry;
}

export interface PlanDatasetVersionInput {
  config: DatasetConfig;
  taxonomy: { version: string; path: string; sha256: string };
  parent: ParentVersion | null;
  /**
   * Tasks prepared with `prepareItem`: those updated after the parent's cursor, and any older one
   * fetched again because the parent lacks its image (taken only when the image is there now).
   */
  items: PreparedItem[];
  weakLabels: WeakLabel[];
  source: DatasetArtifact['source'];
  now: string;
}

/** An item as the planner keeps it: its committed line and what the counts need, not the object. */
export interface Entry {
  taskId: number;
  text: string;
  split: DatasetItem['split'];
  classes: readonly string[];
  regionLabels: readonly string[];
  missingImage: boolean;
}

/**
 * The next dataset version: the parent's items with the new and corrected ones laid over them,
 * each in its hash-assigned split, plus the weak labels, and the manifest that checksums them.
 * Items are held as their canonical lines, so a large version costs its text, not its objects.
 * Returns null when there is nothing new, so a run with nothing new writes nothing.
 */
export function planDatasetVersion(input: PlanDatasetVersionInput): DatasetVersionPlan | null {
  const { config, parent } = input;
  const entries = new Map<string, Entry>();
  const lists = new LabelLists();
  parent?.forEachItem((item, text) => entries.set(item.id, entryOf(item, text, lists)));
  let added = 0;
  let updated = 0;
  const cursor = parent?.manifest.cursor ?? null;
  for (const next of input.items) {
    const previous = entries.get(next.id);
    if (previous?.text === next.entry.text) continue;
    // A task no newer than the parent changes it only by bringing the image the parent lacks.
    if (cursor && !isAfter(next, cursor) && !(previous?.missingImage && !next.entry.missingImage)) continue;
    if (previous) updated++;
    else added++;
    entries.set(next.id, next.entry);
  }
  const weak = mergeWeakLabels(parent?.weakLabels ?? [], input.weakLabels);
  const weakChanged = weak.length !== (parent?.weakLabels.length ?? 0);
  if (added === 0 && updated === 0 && !weakChanged) return null;

  const ordered = [...entries.entries()].sort(([aId, a], [bId, b]) => a.taskId - b.taskId || compare(aId, bId)).map(([, entry]) => entry);
  const version = parent ? DatasetVersion.parse(parent.manifest.dataset_version).next().toString() : DatasetVersion.first().toString();
  // The file is handed to the store as its lines and their newlines: joined (or each line with its
  // newline), the text would be copied once more, and it is the largest thing ingestion holds.
  const itemChunks = ordered.flatMap((entry) => [entry.text, '\n']);
  const files: FileWrite[] = [{ path: paths.datasetItems(config.dataset, version), content: itemChunks, linesValidated: true }];
  const listed: DatasetArtifact['files'] = { 'items.jsonl': fileEntry(itemChunks) };
  if (weak.length > 0) {
    const weakText = weak.map((label) => `${formatJsonLine(label)}\n`).join('');
    files.push({ path: paths.weakLabels(config.dataset, version), content: weakText });
    listed['weak-labels.jsonl'] = fileEntry([weakText]);
  }
  const manifest = buildArtifact('DatasetArtifact', {
    dataset: config.dataset,
    dataset_version: version,
    taxonomy: input.taxonomy,
    source: input.source,
    parent: parent ? { dataset_version: parent.manifest.dataset_version, manifest: parent.manifestRef } : null,
    cursor: advanceCursor(parent?.manifest.cursor ?? null, input.items),
    counts: countEntries(ordered),
    items_sha256: listed['items.jsonl']!.sha256,
    files: listed,
    created_at: input.now,
  });
  const manifestPath = paths.datasetManifest(config.dataset, version);
  files.unshift({ path: manifestPath, content: encodeArtifact('DatasetArtifact', manifest, manifestPath) });
  return { version, manifest, files, added, updated };
}

/**
 * The item an ingested task becomes, in its hash-assigned split, reduced to its canonical line:
 * ingestion prepares each task as it streams past and keeps no objects. Pass one `lists` for
 * every item of a run, so that items with the same labels share one list of them.
 */
export function prepareItem(next: IngestedItem, config: DatasetConfig, lists = new LabelLists()): PreparedItem {
  const item = validateArtifact('DatasetItem', { schema: schemaTag('DatasetItem'), id: next.id, split: assignSplit(next.id, config.splits), ...next.item }, `item ${next.id}`);
  return { id: next.id, taskId: next.taskId, updatedAt: next.updatedAt, entry: entryOf(item, formatItemLine(item), lists) };
}

/** Newest (updated_at, task_id) seen so far: the next run ingests only tasks after it. */
export function advanceCursor(cursor: DatasetArtifact['cursor'] | null, items: ReadonlyArray<{ updatedAt: string; taskId: number }>): DatasetArtifact['cursor'] {
  let best = cursor ?? { updated_at: '1970-01-01T00:00:00.000Z', task_id: 0 };
  for (const item of items) if (isAfter(item, best)) best = { updated_at: item.updatedAt, task_id: item.taskId };
  return best;
}

/** Whether a task comes after the cursor in (updated_at, task_id) order. */
export function isAfter(task: { updatedAt: string; taskId: number }, cursor: DatasetArtifact['cursor']): boolean {
  // Timestamps in cairn's own fixed-width UTC form compare as text; anything else as instants.
  const fixed = FIXED_UTC.test(task.updatedAt) && FIXED_UTC.test(cursor.updated_at);
  const order = fixed ? compare(task.updatedAt, cursor.updated_at) : Math.sign(Date.parse(task.updatedAt) - Date.parse(cursor.updated_at));
  return order > 0 || (order === 0 && task.taskId > cursor.task_id);
}

const FIXED_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function entryOf(item: DatasetItem, text: string, lists: LabelLists): Entry {
  return {
    taskId: item.annotation.task_id,
    text,
    split: item.split,
    classes: lists.share(item.classes),
    regionLabels: lists.share(item.regions.map((region) => region.label)),
    missingImage: item.image.sha256 === null,
  };
}

function countEntries(entries: Entry[]): DatasetArtifact['counts'] {
  const classes: Record<string, number> = {};
  const regionClasses: Record<string, number> = {};
  const splits = { train: 0, val: 0, test: 0 };
  let missing = 0;
  for (const entry of entries) {
    splits[entry.split]++;
    if (entry.missingImage) missing++;
    for (const name of entry.classes) classes[name] = (classes[name] ?? 0) + 1;
    for (const label of entry.regionLabels) regionClasses[label] = (regionClasses[label] ?? 0) + 1;
  }
  return { items: entries.length, classes, region_classes: regionClasses, splits, missing_images: missing };
}

function mergeWeakLabels(previous: WeakLabel[], incoming: WeakLabel[]): WeakLabel[] {
  const key = (label: WeakLabel) => `${label.item_id}\0${label.label}\0${label.source}\0${label.observed_at}`;
  const merged = new Map(previous.map((label) => [key(label), label]));
  for (const label of incoming) merged.set(key(label), label);
  return [...merged.values()].sort((a, b) => compare(a.item_id, b.item_id) || compare(a.observed_at, b.observed_at) || compare(a.source, b.source) || compare(a.label, b.label));
}

/**
 * Hashes the chunks through one reused buffer: a hash call per 500-byte line costs more than the
 * hashing, and joining lines into larger strings leaves a trail of them for the collector.
 */
function fileEntry(chunks: readonly string[]): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(HASH_BUFFER_BYTES);
  let bytes = 0;
  let used = 0;
  for (const chunk of chunks) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (used + chunk.length * 3 > buffer.length) {
      hash.update(buffer.subarray(0, used));
      used = 0;
    }
    if (chunk.length * 3 > buffer.length) {
      hash.update(chunk, 'utf8');
      bytes += Buffer.byteLength(chunk, 'utf8');
    } else {
      const written = buffer.write(chunk, used, 'utf8');
      used += written;
      bytes += written;
    }
  }
  hash.update(buffer.subarray(0, used));
  return { sha256: hash.digest('hex'), bytes };
}

const HASH_BUFFER_BYTES = 1 << 20;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
