import { sha256Hex } from '../artifacts/canonical-json.js';
import type { ArtifactOf, KindName } from '../artifacts/kinds.js';
import type { RepoReader } from '../store/repo-reader.js';
import { collectFileRefs } from './check-artifact.js';
import type { Violation } from './violation.js';

/** What an artifact's own fields say about where it must live. */
export function checkPathMatches(kind: KindName, file: string, value: unknown, out: Violation[]): void {
  const parts = file.split('/');
  const expect = (field: string, actual: unknown, wanted: string | undefined) => {
    if (wanted !== undefined && actual !== wanted) {
      out.push({ file, rule: 'path-mismatch', message: `${field} is "${String(actual)}" but the path says "${wanted}"` });
    }
  };
  const record = value as Record<string, unknown>;
  switch (kind) {
    case 'Taxonomy':
      return expect('taxonomy_version', record.taxonomy_version, parts[2]?.replace(/\.json$/, ''));
    case 'DatasetConfig':
      return expect('dataset', record.dataset, parts[1]);
    case 'DatasetArtifact':
    case 'ValidationReport':
      expect('dataset', record.dataset, parts[1]);
      return expect('dataset_version', record.dataset_version, parts[2]);
    case 'ModelArtifact':
    case 'TrainingMetrics':
    case 'Calibration':
    case 'GateDecision':
      expect('model', record.model, parts[1]);
      return expect('model_version', record.model_version, parts[2]);
    case 'RolloutState':
    case 'MonitoringSnapshot':
    case 'FeedbackCandidates':
    case 'ModelConfig':
      return expect('model', record.model, parts[1]);
    default:
      return;
  }
}

/** Every reference resolves at `ref` and the referenced bytes have the recorded sha256. */
export async function checkLineage(reader: RepoReader, ref: string, file: string, value: unknown, out: Violation[]): Promise<void> {
  for (const link of collectFileRefs(value)) {
    const bytes = await reader.readFile(ref, link.path);
    if (bytes === null) {
      out.push({ file, rule: 'lineage', pointer: link.pointer, message: `${link.pointer} refers to ${link.path}, which does not exist` });
    } else if (sha256Hex(bytes) !== link.sha256) {
      out.push({ file, rule: 'lineage', pointer: link.pointer, message: `${link.pointer}: ${link.path} has changed since it was referenced (sha256 differs)` });
    }
  }
}

/** The files a manifest lists exist with the recorded sha256 and size; nothing else sits beside it unlisted. */
export async function checkCoverage(
  reader: RepoReader,
  ref: string,
  manifestPath: string,
  files: Record<string, { sha256: string; bytes: number }>,
  uncovered: ReadonlySet<string>,
  out: Violation[],
): Promise<void> {
  const dir = manifestPath.slice(0, manifestPath.lastIndexOf('/'));
  const present = new Map((await reader.listDir(ref, dir)).map((entry) => [entry.name, entry]));
  for (const [name, entry] of Object.entries(files)) {
    const found = present.get(name);
    if (!found) {
      out.push({ file: `${dir}/${name}`, rule: 'file-coverage', message: `listed in ${manifestPath} but missing` });
      continue;
    }
    const bytes = await reader.readBlob(found.oid);
    if (sha256Hex(bytes) !== entry.sha256 || bytes.length !== entry.bytes) {
      out.push({ file: `${dir}/${name}`, rule: 'checksum', message: `bytes do not match the sha256 and size recorded in ${manifestPath}` });
    }
  }
  for (const name of present.keys()) {
    if (!Object.hasOwn(files, name) && !uncovered.has(name)) {
      out.push({ file: `${dir}/${name}`, rule: 'file-coverage', message: `not listed in ${manifestPath}` });
    }
  }
}

/** A model that declares calibration ships a calibration file. */
export function checkCalibrationDeclared(file: string, manifest: ArtifactOf<'ModelArtifact'>, out: Violation[]): void {
  if (manifest.calibrated && !Object.hasOwn(manifest.files, 'calibration.json')) {
    out.push({ file, rule: 'calibration', message: 'declares calibration but lists no calibration.json' });
  }
}

/** A rollout candidate needs an `approve` gate decision, or a recorded approval of a review decision. */
export async function checkPromotion(reader: RepoReader, ref: string, file: string, rollout: ArtifactOf<'RolloutState'>, out: Violation[]): Promise<void> {
  const candidate = rollout.candidate;
  if (!candidate) return;
  const gate = await reader.readArtifact('GateDecision', ref, candidate.gate.path).catch(() => null);
  if (!gate) return; // lineage reports a missing or broken gate file
  if (gate.model_version !== candidate.model_version) {
    out.push({ file, rule: 'promotion', message: `candidate ${candidate.model_version} points at the gate decision of ${gate.model_version}` });
  } else if (gate.decision === 'reject') {
    out.push({ file, rule: 'promotion', message: `candidate ${candidate.model_version} was rejected by its gate` });
  } else if (gate.decision === 'require_manual_review' && !candidate.approval) {
    out.push({ file, rule: 'promotion', message: `candidate ${candidate.model_version} requires a manual review and has no recorded approval` });
  }
}
