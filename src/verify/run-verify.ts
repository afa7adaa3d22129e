import { classifyPath, VALIDATION_DIR } from '../artifacts/layout.js';
import type { ArtifactOf, KindName } from '../artifacts/kinds.js';
import { upgradeRolloutState } from '../artifacts/upgrade-promotion.js';
import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { diffCommits } from '../store/tree-diff.js';
import { checkArtifactBytes } from './check-artifact.js';
import { checkCalibration, checkCoverage, checkLineage, checkPathMatches, checkPromotion } from './check-relations.js';
import { checkRolloutStages } from './check-rollout-stages.js';
import { checkRolloutTransition } from './check-rollout-transition.js';
import type { Violation } from './violation.js';

export interface VerifyOptions {
  reader: RepoReader;
  /** The commit to check; defaults to HEAD. */
  ref?: string;
  /**
   * When given, only what changed since the merge base of `base` and `ref` is checked, plus
   * write-once against it: a branch behind its base is judged by what the branch did, so files
   * the base gained after the fork are not reported as deleted.
   */
  base?: string;
}

export interface VerifyResult {
  commit: string;
  /** The merge base of `base` and the checked commit: what the change is measured against. */
  baseCommit: string | null;
  checkedFiles: number;
  violations: Violation[];
}

const DATA_ROOTS = ['datasets', 'registry', 'thresholds'];
/** Files a manifest does not list because they are written after it (or are it). */
const UNLISTED = new Set(['manifest.json', 'validation.json', VALIDATION_DIR, 'gate.json']);
/** A validation report's or gate decision's thresholds reference records the bytes that judged it; the file may change since. */
const RECORDED_REFS: Partial<Record<KindName, ReadonlySet<string>>> = { ValidationReport: new Set(['/thresholds']), GateDecision: new Set(['/thresholds']) };

/**
 * `cairn verify`: schemas, checksums, canonical form, layout, lineage and promotion rules at a
 * commit, and with `base`, write-once against it. The work follows the size of the change when a
 * base is given: identical subtrees are never opened.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { reader } = options;
  const commit = await reader.resolveCommit(options.ref ?? 'HEAD');
  const baseCommit = options.base ? await mergeBaseOf(reader, options.base, commit) : null;
  const violations: Violation[] = [];
  const targets: Array<{ path: string; oid: string }> = [];

  if (baseCommit) {
    for (const change of await diffCommits(reader, baseCommit, commit)) {
      const info = classifyPath(change.path);
      if (!info) continue;
      if (change.status !== 'added' && (!info.mutable || (change.status === 'deleted' && info.kind === 'RolloutState'))) {
        const what = change.status === 'deleted' ? 'deleted' : 'changed';
        violations.push({ file: change.path, rule: 'write-once', message: `${what} since ${options.base} (merge base ${baseCommit.slice(0, 12)}); committed artifacts are never changed or deleted` });
      }
      if (change.newOid) targets.push({ path: change.path, oid: change.newOid });
    }
  } else {
    for (const root of DATA_ROOTS) for await (const entry of reader.walkFiles(commit, root)) targets.push(entry);
  }

  const manifestsToCover = new Set<string>();
  for (const target of targets) {
    const info = classifyPath(target.path)!;
    if (info.coveredBy) manifestsToCover.add(info.coveredBy);
    if (info.kind === null) {
      if (!info.coveredBy) violations.push({ file: target.path, rule: 'layout', message: 'has no place in the repository layout' });
      continue;
    }
    const value = checkArtifactBytes(info.kind, target.path, await reader.readBlob(target.oid), violations);
    if (value === null) continue;
    checkPathMatches(info.kind, target.path, value, violations);
    await checkLineage(reader, commit, target.path, value, violations, RECORDED_REFS[info.kind]);
    if (info.kind === 'ModelArtifact' || info.kind === 'DatasetArtifact') manifestsToCover.add(target.path);
    if (info.kind === 'ModelArtifact') await checkCalibration(reader, commit, target.path, value as ArtifactOf<'ModelArtifact'>, violations);
    if (info.kind === 'RolloutState') {
      const state = upgradeRolloutState(value as ArtifactOf<'RolloutState'>);
      checkRolloutStages(target.path, state, violations);
      await checkPromotion(reader, commit, target.path, state, violations);
      if (baseCommit) await checkRolloutTransition(reader, baseCommit, target.path, target.oid, state, violations);
    }
  }

  for (const manifestPath of manifestsToCover) {
    const info = classifyPath(manifestPath);
    const kind = info?.kind === 'ModelArtifact' ? 'ModelArtifact' : 'DatasetArtifact';
    const manifest = await reader.readArtifact(kind, commit, manifestPath).catch(() => null);
    if (manifest) await checkCoverage(reader, commit, manifestPath, manifest.files, UNLISTED, violations);
    else if (!targets.some((target) => target.path === manifestPath)) {
      violations.push({ file: manifestPath, rule: 'file-coverage', message: 'missing or unreadable, so the files beside it are not covered' });
    }
  }

  return { commit, baseCommit, checkedFiles: targets.length, violations: dedupe(violations) };
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const key = `${violation.file}\0${violation.rule}\0${violation.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function mergeBaseOf(reader: RepoReader, base: string, commit: string): Promise<string> {
  const mergeBase = await reader.mergeBase(base, commit);
  if (!mergeBase) throw new NotFoundError(`--base ${base} shares no history with ${commit.slice(0, 12)}; nothing to compare against`, { base, commit });
  return mergeBase;
}
