import { sha256Hex } from '../artifacts/canonical-json.js';
import type { DatasetArtifact, DatasetItem, WeakLabel } from '../artifacts/schemas/dataset.js';
import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import { paths } from '../artifacts/layout.js';
import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import type { ImageFetcher } from '../dataset/labelled-task.js';
import { labelStudioImageFetcher } from '../dataset/label-studio-source.js';
import { findLatestDatasetVersion, readDatasetVersion } from '../dataset/read-dataset.js';
import { assertTrainable } from '../dataset/assert-trainable.js';
import { ChecksumError, NotFoundError } from '../errors.js';
import { authForToken, LabelStudioClient } from '../label-studio/client.js';
import type { RepoReader } from '../store/repo-reader.js';

export interface FileRef {
  path: string;
  sha256: string;
}

/** A validated dataset version as trainers and evaluation see it: its items by split. */
export interface TrainingData {
  dataset: string;
  version: string;
  manifest: DatasetArtifact;
  manifestRef: FileRef;
  taxonomy: Taxonomy;
  taxonomyRef: FileRef;
  splits: { train: DatasetItem[]; val: DatasetItem[]; test: DatasetItem[] };
  weakLabels: WeakLabel[];
  /** The dataset config's `bias_field`, the default of a model's. */
  biasField: string | null;
  /** Items left out of every split because their image could not be fetched at ingestion. */
  withoutImage: number;
}

/**
 * Reads a dataset version (each file checked against its manifest) and groups its items by the
 * split the ingestion assigned. Items recorded with a missing image are left out and counted: they
 * can be neither trained on nor evaluated.
 */
export async function loadTrainingData(reader: RepoReader, ref: string, dataset: string, version: string): Promise<TrainingData> {
  const data = await readDatasetVersion(reader, ref, dataset, version);
  const taxonomyPath = data.manifest.taxonomy.path;
  const taxonomy = await reader.readArtifactWithRef('Taxonomy', ref, taxonomyPath);
  if (!taxonomy) throw new NotFoundError(`${taxonomyPath}, the taxonomy of ${dataset} ${version}, is missing at ${ref}`, { file: taxonomyPath, ref });
  const config = await reader.readArtifact('DatasetConfig', ref, paths.datasetConfig(dataset));
  const splits: TrainingData['splits'] = { train: [], val: [], test: [] };
  let withoutImage = 0;
  data.forEachItem((item) => {
    if (item.image.sha256 === null) withoutImage++;
    else splits[item.split].push(item);
  });
  return {
    dataset,
    version,
    manifest: data.manifest,
    manifestRef: data.manifestRef,
    taxonomy: taxonomy.artifact,
    taxonomyRef: taxonomy.fileRef,
    splits,
    weakLabels: data.weakLabels,
    biasField: config?.bias_field ?? null,
    withoutImage,
  };
}

/**
 * The dataset version a stage trains, calibrates or evaluates on — `version`, or the newest at `ref` —
 * after checking that its validation passed (`assertTrainable`). `refName` names `ref` in errors.
 */
export async function loadTrainableData(reader: RepoReader, ref: string, dataset: string, version: string | undefined, refName = ref): Promise<TrainingData> {
  const chosen = version ?? (await findLatestDatasetVersion(reader, ref, dataset));
  if (!chosen) throw new NotFoundError(`dataset ${dataset} has no versions at ${refName}; run cairn ingest first`, { dataset });
  await assertTrainable(reader, ref, dataset, chosen);
  return loadTrainingData(reader, ref, dataset, chosen);
}

/** Reads an item's image bytes; every implementation checks them against the item's recorded sha256. */
export type ItemImageReader = (item: DatasetItem) => Promise<Uint8Array>;

/**
 * An image reader over an ingestion fetcher (local folder, Label Studio, presigned storage): the
 * bytes must hash to the sha256 recorded when the item was ingested, so a model is never trained
 * or evaluated on an image that changed since its labels were reviewed.
 */
export function verifiedImageReader(fetch: ImageFetcher): ItemImageReader {
  return async (item) => {
    const bytes = await fetch(item.image.url, item.annotation.task_id);
    if (!bytes) {
      throw new NotFoundError(`item ${item.id}: image ${item.image.url} could not be fetched`, { item: item.id, file: item.image.url, rule: 'image-available' });
    }
    const actual = sha256Hex(bytes);
    if (actual !== item.image.sha256) {
      throw new ChecksumError(`item ${item.id}: image ${item.image.url} has sha256 ${actual}, but ${item.image.sha256} was recorded at ingestion`, {
        item: item.id,
        file: item.image.url,
        expected: item.image.sha256,
        actual,
      });
    }
    return bytes;
  };
}

/**
 * The image reader for a dataset's items: from `localRoot` when given (a folder holding the
 * project's images), otherwise from the dataset's Label Studio server (`LABEL_STUDIO_URL` or the
 * config's, with `LABEL_STUDIO_API_KEY`) for server paths and cloud URIs, and directly for plain
 * web URLs. Every image is checked against the sha256 recorded at ingestion.
 */
export function datasetImageReader(config: DatasetConfig, options: { localRoot?: string; env?: NodeJS.ProcessEnv } = {}): ItemImageReader {
  const env = options.env ?? process.env;
  const token = env.LABEL_STUDIO_API_KEY;
  const client = !options.localRoot && token ? new LabelStudioClient({ baseUrl: env.LABEL_STUDIO_URL ?? config.label_studio.url, auth: authForToken(token) }) : undefined;
  const reasons = new Map<string, string>();
  const fetch = labelStudioImageFetcher({
    ...(options.localRoot ? { localRoot: options.localRoot } : {}),
    ...(client ? { client } : {}),
    projectId: config.label_studio.project,
    onMissing: (url, _task, why) => reasons.set(url, why),
  });
  const read = verifiedImageReader(fetch);
  return async (item) => {
    try {
      return await read(item);
    } catch (error) {
      const reason = reasons.get(item.image.url);
      if (error instanceof NotFoundError && reason) throw new NotFoundError(`item ${item.id}: ${reason}`, { item: item.id, file: item.image.url, rule: 'image-available' }, { cause: error });
      throw error;
    }
  };
}
