import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact } from '../artifacts/codec.js';
import { paths, VALIDATION_DIR } from '../artifacts/layout.js';
import type { ValidationThresholds } from '../artifacts/schemas/thresholds.js';
import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';

/** `thresholds/validation.yaml` at a commit, parsed, with the sha256 of its bytes (what reports are keyed by). */
export interface ThresholdsAt {
  thresholds: ValidationThresholds;
  ref: { path: string; sha256: string };
}

export async function readValidationThresholds(reader: RepoReader, commit: string): Promise<ThresholdsAt> {
  const path = paths.thresholds('validation');
  const bytes = await reader.readFile(commit, path);
  if (!bytes) throw new NotFoundError(`${path} is missing at ${commit.slice(0, 12)}; cairn init writes the defaults`, { file: path, ref: commit });
  return { thresholds: decodeArtifact('ValidationThresholds', bytes, path), ref: { path, sha256: sha256Hex(bytes) } };
}

/**
 * The report of a dataset version made with the thresholds whose bytes hash to `thresholdsSha256`:
 * `validation/<first 12 hex>.json`, or the version's old single `validation.json` when it was
 * made with those same thresholds. Null when the version was not validated with them.
 */
export async function findValidationReport(
  reader: RepoReader,
  ref: string,
  dataset: string,
  version: string,
  thresholdsSha256: string,
): Promise<{ report: ValidationReport; path: string } | null> {
  const keyed = paths.validationReport(dataset, version, thresholdsSha256);
  const report = await reader.readArtifact('ValidationReport', ref, keyed);
  // Twelve hex digits name the file; the whole sha256 inside it must agree.
  if (report && report.thresholds.sha256 === thresholdsSha256) return { report, path: keyed };
  const legacy = paths.legacyValidationReport(dataset, version);
  const old = await reader.readArtifact('ValidationReport', ref, legacy);
  return old && old.thresholds.sha256 === thresholdsSha256 ? { report: old, path: legacy } : null;
}

/** Every report of a dataset version, whatever thresholds made it: to say what exists when none fits. */
export async function listValidationReports(reader: RepoReader, ref: string, dataset: string, version: string): Promise<string[]> {
  const dir = paths.datasetDir(dataset, version);
  const keyed = (await reader.listDir(ref, `${dir}/${VALIDATION_DIR}`)).map((entry) => `${dir}/${VALIDATION_DIR}/${entry.name}`);
  const legacy = (await reader.readFile(ref, paths.legacyValidationReport(dataset, version))) ? [paths.legacyValidationReport(dataset, version)] : [];
  return [...legacy, ...keyed];
}
