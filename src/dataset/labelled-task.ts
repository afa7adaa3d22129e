import type { DatasetItem } from '../artifacts/schemas/dataset.js';

/** A Label Studio task reduced to its ground truth: what ingestion consumes. */
export interface LabelledTask {
  taskId: number;
  updatedAt: string;
  /** The taxonomy version the task names in its data or meta, if any. */
  taxonomyVersion: string | null;
  image: { url: string; width: number | null; height: number | null };
  classes: string[];
  regions: DatasetItem['regions'];
  annotation: DatasetItem['annotation'];
  meta: DatasetItem['meta'];
}

/** Where an export's tasks come from: a file, or the Label Studio API (downloaded to a file first). */
export interface TaskSource {
  /** `label-studio-export` for a file given by hand, `label-studio-api` for a download. */
  kind: 'label-studio-export' | 'label-studio-api';
  /** File name or snapshot id, recorded in the dataset manifest. */
  name: string;
  /** The export file on disk. */
  path: string;
  /** Every task in export order; tasks without a usable annotation come as `skipped`. */
  tasks(): AsyncIterable<LabelledTask | { taskId: number; skipped: string }>;
  /** sha256 of the export file, known once `tasks()` has been read to the end; null before. */
  sha256(): string | null;
}

/** Fetches an image's bytes, or null when it cannot be had (the item is kept and reported). */
export type ImageFetcher = (url: string, taskId: number) => Promise<Uint8Array | null>;
