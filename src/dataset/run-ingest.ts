import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { DatasetArtifact } from '../artifacts/schemas/dataset.js';
import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import { NotFoundError } from '../errors.js';
import type { ImageFacts } from '../images/describe-image.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage, type CommitStageOptions } from '../store/stage-writer.js';
import { TaskLabelChecks } from './assert-task-labels.js';
import { DuplicateTasks } from './duplicate-tasks.js';
import { LabelLists } from './label-lists.js';
import type { ImageFetcher, LabelledTask, TaskSource } from './labelled-task.js';
import { ingestedItem, itemIdOf } from './ingested-item.js';
import { isAfter, planDatasetVersion, prepareItem, type PreparedItem } from './plan-dataset-version.js';
import { findItemsMissingImages, findLatestDatasetVersion, readDatasetVersion } from './read-dataset.js';
import { parseWeakLabels } from './weak-labels.js';

export interface IngestOptions {
  dir: string;
  reader: RepoReader;
  dataset: string;
  source: TaskSource;
  /** Null skips image fetching: every item is recorded with a missing image. */
  fetchImage: ImageFetcher | null;
  weakLabels?: { file: string; text: string };
  runId: string;
  now: () => Date;
  branch?: string;
  startPoint?: string;
  push?: CommitStageOptions['push'];
  /** Images fetched at once. */
  concurrency?: number;
}

export interface IngestResult {
  version: string | null;
  commit: string | null;
  branch: string;
  tasks: number;
  added: number;
  updated: number;
  skipped: Array<{ taskId: number; reason: string }>;
  missingImages: number;
}

/**
 * `cairn ingest`: a Label Studio export becomes the next dataset version. Tasks stream past one at
 * a time: those updated after the previous version's cursor are checked, their images fetched
 * (a few at once) and each is kept only as its committed line. Every refusal (mixed or unknown
 * taxonomy versions, labels outside the taxonomy, bad tasks) happens before anything is written;
 * an export with nothing new writes nothing.
 */
export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  const { reader, dataset, source } = options;
  const base = await reader.resolveCommit(options.startPoint ?? options.branch ?? 'HEAD');
  const config = await loadConfig(reader, base, dataset);
  const latest = await findLatestDatasetVersion(reader, base, dataset);
  const latestManifest = latest ? await reader.loadArtifact('DatasetArtifact', base, paths.datasetManifest(dataset, latest)) : null;
  const cursor = latestManifest?.cursor ?? null;
  // Items the newest version holds without their image are fetched again, whatever their age.
  const retry = latestManifest && options.fetchImage ? await findItemsMissingImages(reader, base, latestManifest) : new Set<string>();
  const taxonomyPath = paths.taxonomy(config.taxonomy_version);
  const taxonomyBytes = await reader.readFile(base, taxonomyPath);
  if (!taxonomyBytes) throw new NotFoundError(`${taxonomyPath} is missing; dataset ${dataset} is bound to it`, { file: taxonomyPath });
  const taxonomy = decodeArtifact('Taxonomy', taxonomyBytes, taxonomyPath);
  const knownTaxonomies = new Set((await reader.listDir(base, 'datasets/taxonomies')).map((entry) => entry.name.replace(/\.json$/, '')));
  const labels = new TaskLabelChecks(taxonomy, config.taxonomy_version, source.name, (version) => knownTaxonomies.has(version));

  const prepared: PreparedItem[] = [];
  const skipped: IngestResult['skipped'] = [];
  let total = 0;
  let missingImages = 0;
  const window = new Set<Promise<void>>();
  const limit = options.concurrency ?? 8;
  const imageFacts = options.fetchImage ? await imageFactsFetcher(options.fetchImage) : null;
  const lists = new LabelLists();
  const duplicates = new DuplicateTasks(source.name);
  const keep = (item: PreparedItem) => {
    if (!duplicates.first(item.taskId, item.entry.text)) return;
    if (item.entry.missingImage) missingImages++;
    prepared.push(item);
  };
  for await (const task of source.tasks()) {
    total++;
    if ('skipped' in task) {
      skipped.push({ taskId: task.taskId, reason: task.skipped });
      continue;
    }
    if (cursor && !isAfter(task, cursor) && !retry.has(itemIdOf(config, task.taskId))) continue;
    labels.add(task);
    if (!imageFacts) {
      // Nothing to wait for: a promise per task would only cost time and garbage.
      keep(prepareItem(ingestedItem(task, config, null), config, lists));
      continue;
    }
    const work = imageFacts(task).then((facts) => keep(prepareItem(ingestedItem(task, config, facts), config, lists)));
    window.add(work);
    void work.finally(() => window.delete(work));
    if (window.size >= limit) await Promise.race(window);
  }
  await Promise.all(window);
  duplicates.assertNone();
  labels.assertClean();

  const weak = options.weakLabels
    ? parseWeakLabels(options.weakLabels.text, options.weakLabels.file, config.weak_label_weights, (taskId) => itemIdOf(config, taskId))
    : [];
  if (prepared.length === 0 && weak.length === 0) {
    return { version: null, commit: null, branch: options.branch ?? '', tasks: total, added: 0, updated: 0, skipped, missingImages: 0 };
  }

  const exportSha256 = source.sha256() ?? (await hashFile(source.path));
  const result = await commitStage({
    dir: options.dir,
    stage: 'ingest',
    runId: options.runId,
    branch: options.branch,
    startPoint: options.startPoint,
    push: options.push,
    plan: async ({ parent }) => {
      const parentVersion = parent ? await findLatestDatasetVersion(reader, parent, dataset) : null;
      const previous = parent && parentVersion ? await readDatasetVersion(reader, parent, dataset, parentVersion) : null;
      const planned = planDatasetVersion({
        config,
        taxonomy: { version: config.taxonomy_version, path: taxonomyPath, sha256: sha256Hex(taxonomyBytes) },
        parent: previous,
        items: prepared,
        weakLabels: weak,
        source: sourceOf(source, config, exportSha256, total),
        now: options.now().toISOString(),
      });
      return {
        subject: planned ? `cairn: ingest ${dataset} ${planned.version} (${planned.added} new, ${planned.updated} corrected)` : `cairn: ingest ${dataset}: nothing new`,
        files: planned?.files ?? [],
        value: planned,
      };
    },
  });
  const planned = result.value;
  return {
    version: planned?.version ?? null,
    commit: result.commit,
    branch: result.branch,
    tasks: total,
    added: planned?.added ?? 0,
    updated: planned?.updated ?? 0,
    skipped,
    missingImages,
  };
}

async function loadConfig(reader: RepoReader, ref: string, dataset: string): Promise<DatasetConfig> {
  const path = paths.datasetConfig(dataset);
  const config = await reader.readArtifact('DatasetConfig', ref, path);
  if (!config) throw new NotFoundError(`dataset ${dataset} is not configured: ${path} is missing`, { file: path, dataset });
  return config;
}

/** Fetches and describes a task's image; sharp (libvips, some 30 MB of memory) loads only for a run that fetches images. */
async function imageFactsFetcher(fetchImage: ImageFetcher): Promise<(task: LabelledTask) => Promise<ImageFacts | null>> {
  const { describeImage } = await import('../images/describe-image.js');
  return async (task) => {
    const bytes = await fetchImage(task.image.url, task.taskId);
    return bytes ? describeImage(bytes) : null;
  };
}

function sourceOf(source: TaskSource, config: DatasetConfig, exportSha256: string, tasks: number): DatasetArtifact['source'] {
  return { kind: source.kind, project: String(config.label_studio.project), export: source.name, export_sha256: exportSha256, tasks };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
