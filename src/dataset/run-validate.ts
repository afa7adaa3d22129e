import { formatJsonFile, sha256Hex } from '../artifacts/canonical-json.js';
import { buildArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { CairnError, NotFoundError } from '../errors.js';
import { commitStage, type CommitStageOptions } from '../store/stage-writer.js';
import type { RepoReader } from '../store/repo-reader.js';
import { findValidationReport, readValidationThresholds, type ThresholdsAt } from './find-validation-report.js';
import { findLatestDatasetVersion, readDatasetVersion } from './read-dataset.js';
import { DATASET_CHECKS, type Check } from './validation-checks.js';

export interface ValidateOptions {
  dir: string;
  reader: RepoReader;
  dataset: string;
  /** Defaults to the newest version. */
  version?: string;
  branch?: string;
  /** Where `branch` starts when it does not exist yet (locally, or on the remote when pushing). */
  startPoint?: string;
  /**
   * The commit whose `thresholds/validation.yaml` judges the version; defaults to the version's
   * own commit. The validation check passes the pull request's base, so that a pull request
   * cannot loosen the thresholds it is judged by.
   */
  thresholdsRef?: string;
  push?: CommitStageOptions['push'];
  runId: string;
  now: () => Date;
}

export interface ValidateResult {
  version: string;
  report: ValidationReport;
  /** Where the report is committed: `validation/<thresholds sha256, 12 hex>.json`, or an old `validation.json`. */
  path: string;
  /** The new commit, or null when the version was already validated with these thresholds. */
  commit: string | null;
  /** The commit whose tree holds the report: the new commit, or the branch tip that already had it. */
  head: string;
  branch: string;
}

/**
 * `cairn validate`: checks a dataset version against `thresholds/validation.yaml` and commits the
 * report beside it, keyed by the sha256 of the thresholds it was made with. Validating again with
 * the same thresholds writes nothing; with changed thresholds it writes a second report, so every
 * report stays write-once.
 */
export async function runValidate(options: ValidateOptions): Promise<ValidateResult> {
  const { reader, dataset } = options;
  const thresholdsCommit = options.thresholdsRef === undefined ? null : await reader.resolveCommit(options.thresholdsRef);
  const committed = await commitStage({
    dir: options.dir,
    stage: 'validate',
    runId: options.runId,
    branch: options.branch,
    startPoint: options.startPoint,
    push: options.push,
    plan: async ({ parent }) => {
      if (!parent) throw new NotFoundError(`${options.dir} has no commits`, { dir: options.dir });
      const version = options.version ?? (await findLatestDatasetVersion(reader, parent, dataset));
      if (!version) throw new NotFoundError(`dataset ${dataset} has no versions yet; run cairn ingest first`, { dataset });
      const thresholds = await readValidationThresholds(reader, thresholdsCommit ?? parent);
      const existing = await findValidationReport(reader, parent, dataset, version, thresholds.ref.sha256);
      if (existing) return { subject: `cairn: validate ${dataset} ${version}: already validated`, files: [], value: { version, parent, ...existing } };
      const report = await buildReport(reader, parent, dataset, version, thresholds, options.now());
      const path = paths.validationReport(dataset, version, thresholds.ref.sha256);
      return { subject: `cairn: validate ${dataset} ${version}: ${report.passed ? 'passed' : 'failed'}`, files: [{ path, content: formatJsonFile(report) }], value: { version, parent, report, path } };
    },
  });
  // The planner refuses an empty repository, so a plan always had a parent.
  const { parent, ...validated } = committed.value;
  return { ...validated, commit: committed.commit, head: committed.commit ?? parent, branch: committed.branch };
}

async function buildReport(reader: RepoReader, ref: string, dataset: string, version: string, { thresholds, ref: thresholdsRef }: ThresholdsAt, now: Date): Promise<ValidationReport> {
  const manifestPath = paths.datasetManifest(dataset, version);
  let checks: Check[];
  let manifestRef = { path: manifestPath, sha256: sha256Hex((await reader.readFile(ref, manifestPath)) ?? '') };
  try {
    const version_ = await readDatasetVersion(reader, ref, dataset, version);
    manifestRef = version_.manifestRef;
    const taxonomy = await reader.loadArtifact('Taxonomy', ref, version_.manifest.taxonomy.path);
    const running = DATASET_CHECKS.map((create) => create({ weakLabels: version_.weakLabels, taxonomy, thresholds, now }));
    const count = version_.forEachItem((item) => {
      for (const check of running) check.add(item);
    });
    checks = [{ name: 'schema', status: 'pass', message: `${count} items and ${version_.weakLabels.length} weak labels match their schemas` }, ...running.map((check) => check.finish())];
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    checks = [{ name: 'schema', status: 'fail', message: error.message, details: error.toJSON() }];
  }
  return buildArtifact('ValidationReport', {
    dataset,
    dataset_version: version,
    manifest: manifestRef,
    thresholds: thresholdsRef,
    passed: checks.every((check) => check.status !== 'fail'),
    checks,
    created_at: now.toISOString(),
  });
}
