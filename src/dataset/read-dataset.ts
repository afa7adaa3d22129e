import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact, decodeLines, forEachLine } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { DatasetArtifact, DatasetItem, WeakLabel } from '../artifacts/schemas/dataset.js';
import { ChecksumError, NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { DatasetVersion } from './dataset-version.js';

/** The newest version of a dataset at `ref`, or null when it has none. */
export async function findLatestDatasetVersion(reader: RepoReader, ref: string, dataset: string): Promise<string | null> {
  const versions = (await reader.listDir(ref, `datasets/${dataset}`))
    .filter((entry) => entry.type === 'tree' && DatasetVersion.isVersion(entry.name))
    .map((entry) => DatasetVersion.parse(entry.name))
    .sort((a, b) => b.sequence - a.sequence);
  return versions[0]?.toString() ?? null;
}

export interface DatasetVersionReader {
  manifest: DatasetArtifact;
  manifestRef: { path: string; sha256: string };
  weakLabels: WeakLabel[];
  /**
   * Parses and validates the items one at a time (a large version is never held as objects),
   * handing each to `visit` with its line as committed. Returns the item count.
   */
  forEachItem(visit: (item: DatasetItem, text: string) => void): number;
}

/** A dataset version, each file checked against the sha256 its manifest records. */
export async function readDatasetVersion(reader: RepoReader, ref: string, dataset: string, version: string): Promise<DatasetVersionReader> {
  const manifestPath = paths.datasetManifest(dataset, version);
  const manifestBytes = await reader.readFile(ref, manifestPath);
  if (!manifestBytes) throw new NotFoundError(`dataset ${dataset} has no version ${version} at ${ref} (${manifestPath})`, { file: manifestPath, ref });
  const manifest = decodeArtifact('DatasetArtifact', manifestBytes, manifestPath);
  const itemsPath = paths.datasetItems(dataset, version);
  const itemsBytes = await readListed(reader, ref, manifest, itemsPath, 'items.jsonl');
  const weakPath = paths.weakLabels(dataset, version);
  const weakBytes = manifest.files['weak-labels.jsonl'] ? await readListed(reader, ref, manifest, weakPath, 'weak-labels.jsonl') : null;
  return {
    manifest,
    manifestRef: { path: manifestPath, sha256: sha256Hex(manifestBytes) },
    weakLabels: weakBytes ? decodeLines('WeakLabel', weakBytes, weakPath) : [],
    forEachItem: (visit) => forEachLine('DatasetItem', itemsBytes, itemsPath, (item, _line, text) => visit(item, text)),
  };
}

/** Ids of the items a version holds without their image (its manifest counts them, so most versions are not read). */
export async function findItemsMissingImages(reader: RepoReader, ref: string, manifest: DatasetArtifact): Promise<Set<string>> {
  const ids = new Set<string>();
  if (manifest.counts.missing_images === 0) return ids;
  const version = await readDatasetVersion(reader, ref, manifest.dataset, manifest.dataset_version);
  version.forEachItem((item) => {
    if (item.image.sha256 === null) ids.add(item.id);
  });
  return ids;
}

async function readListed(reader: RepoReader, ref: string, manifest: DatasetArtifact, path: string, name: string): Promise<Uint8Array> {
  const bytes = await reader.readFile(ref, path);
  if (!bytes) throw new NotFoundError(`${path} is listed in the manifest but missing at ${ref}`, { file: path, ref });
  const expected = manifest.files[name]?.sha256;
  if (expected && sha256Hex(bytes) !== expected) throw new ChecksumError(`${path}: bytes do not match the sha256 in its manifest`, { file: path, expected });
  return bytes;
}
