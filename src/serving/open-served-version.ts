import type * as ort from 'onnxruntime-node';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { ModelArtifact } from '../artifacts/schemas/model.js';
import { calibrationModelsOf } from '../evaluate/calibration.js';
import { ChecksumError, InputError, NotFoundError } from '../errors.js';
import type { IsotonicModel } from '../metrics/isotonic.js';
import { modelTaxonomyOf, openModel, type OpenedModel } from '../model/open-model.js';
import type { RepoReader } from '../store/repo-reader.js';

/** A version the deployer can run: its checked session and, when it ships one, its calibration. */
export interface ServedVersion {
  version: string;
  model: OpenedModel;
  /** One isotonic map per class of `model.classes`, or null for an uncalibrated version. */
  calibration: IsotonicModel[] | null;
  /** What identifies the bytes it was opened from (manifest, weights and calibration blobs): equal keys share a session. */
  key: string;
}

/** Where a rollout state names a version: its version and the manifest reference it recorded. */
export interface ServedRef {
  model_version: string;
  manifest: { path: string; sha256: string };
}

/**
 * The identity of a version's bytes at `commit` without reading the weights: the manifest's sha256
 * (which pins every file's sha256) and the blob ids of the weights and the calibration, so a
 * replaced `model.onnx` is opened — and refused — again rather than served from an old session.
 */
export async function servedVersionKey(reader: RepoReader, commit: string, model: string, served: ServedRef): Promise<string> {
  const [weights, calibration] = await Promise.all([
    reader.blobId(commit, paths.modelFile(model, served.model_version, 'model.onnx')),
    reader.blobId(commit, paths.modelFile(model, served.model_version, 'calibration.json')),
  ]);
  return `${served.model_version}:${served.manifest.sha256}:${weights}:${calibration}`;
}

/**
 * Opens a version named by a rollout state, trusting nothing that is not pinned by a checksum: the
 * manifest must have the sha256 the rollout state recorded, the taxonomy, weights and calibration the
 * sha256 the manifest records, each checked before it is parsed (`openModel` checks the weights).
 */
export async function openServedVersion(
  reader: RepoReader,
  commit: string,
  model: string,
  served: ServedRef,
  options: { key: string; sessionOptions?: ort.InferenceSession.SessionOptions },
): Promise<ServedVersion> {
  const manifest = decodeArtifact('ModelArtifact', await readChecked(reader, commit, served.manifest.path, served.manifest.sha256), served.manifest.path);
  if (manifest.model !== model || manifest.model_version !== served.model_version) {
    throw new InputError(`${served.manifest.path}: describes ${manifest.model} ${manifest.model_version}, the rollout state names ${model} ${served.model_version}`, {
      file: served.manifest.path,
      rule: 'served-manifest',
    });
  }
  const taxonomy = decodeArtifact('Taxonomy', await readChecked(reader, commit, manifest.taxonomy.path, manifest.taxonomy.sha256), manifest.taxonomy.path);
  const file = paths.modelFile(model, served.model_version, 'model.onnx');
  const weights = await readChecked(reader, commit, file, fileEntry(manifest, 'model.onnx', served.manifest.path).sha256, false);
  const opened = await openModel(weights, {
    expectedSha256: fileEntry(manifest, 'model.onnx', served.manifest.path).sha256,
    file,
    taxonomy: modelTaxonomyOf(taxonomy),
    ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
  });
  try {
    const calibration = manifest.calibrated ? await readCalibration(reader, commit, manifest, opened.classes) : null;
    return { version: served.model_version, model: opened, calibration, key: options.key };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

async function readCalibration(reader: RepoReader, commit: string, manifest: ModelArtifact, classes: readonly string[]): Promise<IsotonicModel[]> {
  const file = paths.modelFile(manifest.model, manifest.model_version, 'calibration.json');
  const calibration = decodeArtifact('Calibration', await readChecked(reader, commit, file, fileEntry(manifest, 'calibration.json', file).sha256), file);
  return calibrationModelsOf(calibration.classes, classes);
}

function fileEntry(manifest: ModelArtifact, name: string, file: string): { sha256: string } {
  const entry = manifest.files[name];
  if (!entry) throw new InputError(`${file}: the manifest lists no ${name}`, { file, rule: 'served-manifest', missing: name });
  return entry;
}

/** The bytes of `path`, refused unless their sha256 is `expected` (`check: false` leaves it to the caller). */
async function readChecked(reader: RepoReader, commit: string, path: string, expected: string, check = true): Promise<Uint8Array> {
  const bytes = await reader.readFile(commit, path);
  if (bytes === null) throw new NotFoundError(`${path} does not exist at ${commit.slice(0, 12)}`, { file: path, ref: commit });
  if (check) {
    const actual = sha256Hex(bytes);
    if (actual !== expected) throw new ChecksumError(`${path}: sha256 ${actual} does not match the expected ${expected}`, { file: path, expected, actual });
  }
  return bytes;
}
