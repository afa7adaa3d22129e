import { sha256Hex } from '../artifacts/canonical-json.js';
import type { ArtifactOf, KindName } from '../artifacts/kinds.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
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
      expect('dataset', record.dataset, parts[1]);
      return expect('dataset_version', record.dataset_version, parts[2]);
    case 'ValidationReport':
      expect('dataset', record.dataset, parts[1]);
      expect('dataset_version', record.dataset_version, parts[2]);
      // validation/<t>.json: <t> is the start of the sha256 of the thresholds that made the report.
      if (parts.length === 5) return expect('thresholds.sha256 (first 12 hex)', (record.thresholds as { sha256: string }).sha256.slice(0, 12), parts[4]!.replace(/\.json$/, ''));
      return;
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

/**
 * Every reference resolves at `ref` and the referenced bytes have the recorded sha256. References
 * at the pointers in `records` are left out: they record which bytes of a human-edited file were
 * used, and that file may have changed since.
 */
export async function checkLineage(reader: RepoReader, ref: string, file: string, value: unknown, out: Violation[], records: ReadonlySet<string> = new Set()): Promise<void> {
  for (const link of collectFileRefs(value)) {
    if (records.has(link.pointer)) continue;
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

/**
 * A model that declares calibration ships a valid one: `calibration.json` is listed, belongs to this
 * model version, maps every class of the model and no other, and each map is a proper isotonic
 * fit — breakpoints strictly increasing, values non-decreasing in [0, 1], as many of each.
 */
export async function checkCalibration(reader: RepoReader, ref: string, file: string, manifest: ArtifactOf<'ModelArtifact'>, out: Violation[]): Promise<void> {
  if (!manifest.calibrated) return;
  if (!Object.hasOwn(manifest.files, 'calibration.json')) {
    out.push({ file, rule: 'calibration', message: 'declares calibration but lists no calibration.json' });
    return;
  }
  const path = `${file.slice(0, file.lastIndexOf('/'))}/calibration.json`;
  const calibration = await reader.readArtifact('Calibration', ref, path).catch(() => null);
  if (!calibration) return; // coverage and schema checks report a missing or broken file
  const fail = (message: string, pointer?: string) => out.push({ file: path, rule: 'calibration', message, ...(pointer ? { pointer } : {}) });
  if (calibration.model !== manifest.model || calibration.model_version !== manifest.model_version) {
    fail(`calibrates ${calibration.model} ${calibration.model_version}, not ${manifest.model} ${manifest.model_version}`);
  }
  const names = Object.keys(calibration.classes);
  const missing = manifest.classes.filter((name) => !names.includes(name));
  const extra = names.filter((name) => !manifest.classes.includes(name));
  if (missing.length > 0) fail(`has no map for class ${missing.join(', ')}`);
  if (extra.length > 0) fail(`maps class ${extra.join(', ')}, which the model does not have`);
  for (const [name, map] of Object.entries(calibration.classes)) {
    const pointer = `/classes/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (map.x.length !== map.y.length || map.x.length === 0) fail(`${name}: x and y must be non-empty and of equal length`, pointer);
    else if (map.x.some((x, i) => i > 0 && !(x > map.x[i - 1]!))) fail(`${name}: breakpoints x must be strictly increasing`, `${pointer}/x`);
    else if (map.y.some((y, i) => i > 0 && y < map.y[i - 1]!)) fail(`${name}: values y must be non-decreasing (isotonic)`, `${pointer}/y`);
  }
}

/**
 * A served version needs an `approve` gate decision or a recorded approval of a review decision:
 * the candidate and production (each with the approval it carries), and a pinned or shadow
 * version must never be one the gate rejected.
 */
export async function checkPromotion(reader: RepoReader, ref: string, file: string, rollout: RolloutStateV2, out: Violation[]): Promise<void> {
  const gateOf = async (path: string) => reader.readArtifact('GateDecision', ref, path).catch(() => null);
  const served: Array<{ role: string; version: string; gate: string; approval: unknown; strict: boolean }> = [];
  if (rollout.candidate) served.push({ role: 'candidate', version: rollout.candidate.model_version, gate: rollout.candidate.gate.path, approval: rollout.candidate.approval, strict: true });
  if (rollout.production?.gate) served.push({ role: 'production', version: rollout.production.model_version, gate: rollout.production.gate.path, approval: rollout.production.approval, strict: true });
  for (const [role, version] of [['pinned', rollout.pinned], ['shadow', rollout.shadow?.model_version]] as const) {
    if (version) served.push({ role, version, gate: paths.modelFile(rollout.model, version, 'gate.json'), approval: null, strict: false });
  }
  for (const entry of served) {
    const gate = await gateOf(entry.gate);
    if (!gate) continue; // lineage reports a missing or broken gate file; an old version may have none
    const fail = (message: string) => out.push({ file, rule: 'promotion', pointer: `/${entry.role === 'shadow' ? 'shadow' : entry.role}`, message });
    if (gate.model_version !== entry.version) fail(`${entry.role} ${entry.version} points at the gate decision of ${gate.model_version}`);
    else if (gate.decision === 'reject') fail(`${entry.role} ${entry.version} was rejected by its gate and can never serve`);
    else if (entry.strict && gate.decision === 'require_manual_review' && !entry.approval) fail(`${entry.role} ${entry.version} requires a manual review and has no recorded approval`);
  }
}
