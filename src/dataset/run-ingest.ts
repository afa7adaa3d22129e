import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { DatasetArtifact, WeakLabel } from '../artifacts/schemas/dataset.js';
import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { NotFoundError } from '../errors.js';
import { describeImage } from '../images/describe-image.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage, type CommitStageOptions } from '../store/stage-writer.js';
import { assertLabelsInTaxonomy, assertOneTaxonomyVersion } from './assert-task-labels.js';
import type { ImageFetcher, LabelledTask, TaskSource } from './labelled-task.js';
import { isAfter, planDatasetVersion, type IngestedItem } from './plan-dataset-version.js';
import { findLatestDatasetVersion, readDatasetVersion } from './read-dataset.js';
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
 * `cairn ingest`: a Label Studio export becomes the next dataset version. Only tasks updated after
 * the previous version's cursor are read into memory; an export with nothing new writes nothing.
 * Every refusal (mixed or unknown taxonomy versions, labels outside the taxonomy, bad tasks)
 * happens before anything is written.
 */
export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  const { reader, dataset, source } = options;
  const base = await reader.resolveCommit(options.startPoint ?? options.branch ?? 'HEAD');
  const config = await loadConfig(reader, base, dataset);
  const latest = await findLatestDatasetVersion(reader, base, dataset);
  const cursor = latest ? (await reader.loadArtifact('DatasetArtifact', base, paths.datasetManifest(dataset, latest))).cursor : null;

  const fresh: LabelledTask[] = [];
  const skipped: IngestResult['skipped'] = [];
  let total = 0;
  for await (const task of source.tasks()) {
    total++;
    if ('skipped' in task) skipped.push({ taskId: task.taskId, reason: task.skipped });
    else if (!cursor || isAfter(task, cursor)) fresh.push(task);
  }
  const weak = options.weakLabels
    ? parseWeakLabels(options.weakLabels.text, options.weakLabels.file, config.weak_label_weights, (taskId) => `${config.label_studio.project}-${taskId}`)
    : [];
  const empty = { version: null, commit: null, branch: options.branch ?? '', tasks: total, added: 0, updated: 0, skipped, missingImages: 0 };
  if (fresh.length === 0 && weak.length === 0) return empty;

  const taxonomyPath = paths.taxonomy(config.taxonomy_version);
  const taxonomyBytes = await reader.readFile(base, taxonomyPath);
  const knownTaxonomies = new Set((await reader.listDir(base, 'datasets/taxonomies')).map((entry) => entry.name.replace(/\.json$/, '')));
  assertOneTaxonomyVersion(fresh, config.taxonomy_version, source.name, (version) => knownTaxonomies.has(version));
  if (!taxonomyBytes) throw new NotFoundError(`${taxonomyPath} is missing`, { file: taxonomyPath });
  const taxonomy = decodeArtifact('Taxonomy', taxonomyBytes, taxonomyPath);
  assertLabelsInTaxonomy(fresh, taxonomy, source.name);

  const items = await withImages(fresh, config, options.fetchImage, options.concurrency ?? 8);
  fresh.length = 0; // the items hold what is needed from here on
  const exportSha256 = await hashFile(source.path);
  let planned: ReturnType<typeof planDatasetVersion> = null;
  const result = await commitStage({
    dir: options.dir,
    stage: 'ingest',
    runId: options.runId,
    branch: options.branch,
    startPoint: options.startPoint,
    push: options.push,
    plan: async ({ parent }) => {
      const parentVersion = parent ? await findLatestDatasetVersion(reader, parent, dataset) : null;
      const loaded = parentVersion ? await readDatasetVersion(reader, parent!, dataset, parentVersion) : null;
      planned = planDatasetVersion({
        config,
        taxonomy: { version: config.taxonomy_version, path: taxonomyPath, sha256: sha256Hex(taxonomyBytes) },
        parent: loaded,
        items: loaded ? items.filter((item) => isAfter(item, loaded.manifest.cursor)) : items,
        weakLabels: weak as WeakLabel[],
        source: sourceOf(source, config, exportSha256, total),
        now: options.now().toISOString(),
      });
      return {
        subject: planned ? `cairn: ingest ${dataset} ${planned.version} (${planned.added} new, ${planned.updated} corrected)` : `cairn: ingest ${dataset}: nothing new`,
        files: planned?.files ?? [],
      };
    },
  });
  const plan = planned as ReturnType<typeof planDatasetVersion>;
  return {
    version: plan?.version ?? null,
    commit: result.commit,
    branch: result.branch,
    tasks: total,
    added: plan?.added ?? 0,
    updated: plan?.updated ?? 0,
    skipped,
    missingImages: items.filter((item) => item.item.image.sha256 === null).length,
  };
}

async function loadConfig(reader: RepoReader, ref: string, dataset: string): Promise<DatasetConfig> {
  const path = paths.datasetConfig(dataset);
  const config = await reader.readArtifact('DatasetConfig', ref, path);
  if (!config) throw new NotFoundError(`dataset ${dataset} is not configured: ${path} is missing`, { file: path, dataset });
  return config;
}

async function withImages(tasks: LabelledTask[], config: DatasetConfig, fetchImage: ImageFetcher | null, concurrency: number): Promise<IngestedItem[]> {
  const items: IngestedItem[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      const bytes = fetchImage ? await fetchImage(task.image.url, task.taskId) : null;
      const facts = bytes ? await describeImage(bytes) : null;
      items[index] = {
        id: `${config.label_studio.project}-${task.taskId}`,
        taskId: task.taskId,
        updatedAt: task.updatedAt,
        item: {
          image: { url: task.image.url, sha256: facts?.sha256 ?? null, width: facts?.width ?? task.image.width, height: facts?.height ?? task.image.height },
          classes: task.classes,
          regions: task.regions,
          annotation: task.annotation,
          meta: task.meta,
        },
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return items;
}

function sourceOf(source: TaskSource, config: DatasetConfig, exportSha256: string, tasks: number): DatasetArtifact['source'] {
  return { kind: source.kind, project: String(config.label_studio.project), export: source.name, export_sha256: exportSha256, tasks };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
