import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact, decodeLines } from '../artifacts/codec.js';
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

export interface LoadedDatasetVersion {
  manifest: DatasetArtifact;
  manifestRef: { path: string; sha256: string };
  items: DatasetItem[];
  weakLabels: WeakLabel[];
}

/** A dataset version with its items and weak labels, each file checked against the manifest's checksum. */
export async function loadDatasetVersion(reader: RepoReader, ref: string, dataset: string, version: string): Promise<LoadedDatasetVersion> {
  const manifestPath = paths.datasetManifest(dataset, version);
  const manifestBytes = await reader.readFile(ref, manifestPath);
  if (!manifestBytes) throw new NotFoundError(`dataset ${dataset} has no version ${version} at ${ref} (${manifestPath})`, { file: manifestPath, ref });
  const manifest = decodeArtifact('DatasetArtifact', manifestBytes, manifestPath);
  const itemsBytes = await readListed(reader, ref, manifest, paths.datasetItems(dataset, version), 'items.jsonl');
  const weakPath = paths.weakLabels(dataset, version);
  const weakBytes = manifest.files['weak-labels.jsonl'] ? await readListed(reader, ref, manifest, weakPath, 'weak-labels.jsonl') : null;
  return {
    manifest,
    manifestRef: { path: manifestPath, sha256: sha256Hex(manifestBytes) },
    items: decodeLines('DatasetItem', itemsBytes, paths.datasetItems(dataset, version)),
    weakLabels: weakBytes ? decodeLines('WeakLabel', weakBytes, weakPath) : [],
  };
}

async function readListed(reader: RepoReader, ref: string, manifest: DatasetArtifact, path: string, name: string): Promise<Uint8Array> {
  const bytes = await reader.readFile(ref, path);
  if (!bytes) throw new NotFoundError(`${path} is listed in the manifest but missing at ${ref}`, { file: path, ref });
  const expected = manifest.files[name]?.sha256;
  if (expected && sha256Hex(bytes) !== expected) {
    throw new ChecksumError(`${path}: bytes do not match the sha256 in its manifest`, { file: path, expected });
  }
  return bytes;
}
