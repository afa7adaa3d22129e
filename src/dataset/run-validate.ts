import { formatJsonFile, sha256Hex } from '../artifacts/canonical-json.js';
import { buildArtifact, decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { CairnError, NotFoundError, PolicyError } from '../errors.js';
import { commitStage, type CommitStageResult } from '../store/stage-writer.js';
import type { RepoReader } from '../store/repo-reader.js';
import { findLatestDatasetVersion, readDatasetVersion } from './read-dataset.js';
import { DATASET_CHECKS, type Check } from './validation-checks.js';

export interface ValidateOptions {
  dir: string;
  reader: RepoReader;
  dataset: string;
  /** Defaults to the newest version. */
  version?: string;
  branch?: string;
  runId: string;
  now: () => Date;
}

export interface ValidateResult {
  version: string;
  report: ValidationReport;
  commit: CommitStageResult | null;
}

/**
 * `cairn validate`: checks a dataset version against `thresholds/validation.yaml` and commits the
 * report beside it. A version is validated once; its report is write-once like every artifact.
 */
export async function runValidate(options: ValidateOptions): Promise<ValidateResult> {
  const { reader, dataset } = options;
  let version = options.version ?? null;
  let report: ValidationReport | null = null;
  const commit = await commitStage({
    dir: options.dir,
    stage: 'validate',
    runId: options.runId,
    branch: options.branch,
    plan: async ({ parent }) => {
      if (!parent) throw new NotFoundError(`${options.dir} has no commits`, { dir: options.dir });
      version = options.version ?? (await findLatestDatasetVersion(reader, parent, dataset));
      if (!version) throw new NotFoundError(`dataset ${dataset} has no versions yet; run cairn ingest first`, { dataset });
      const path = paths.validationReport(dataset, version);
      const existing = await reader.readArtifact('ValidationReport', parent, path);
      report = existing ?? (await buildReport(reader, parent, dataset, version, options.now()));
      return { subject: `cairn: validate ${dataset} ${version}: ${report.passed ? 'passed' : 'failed'}`, files: existing ? [] : [{ path, content: formatJsonFile(report) }] };
    },
  });
  return { version: version!, report: report!, commit: commit.commit ? commit : null };
}

async function buildReport(reader: RepoReader, ref: string, dataset: string, version: string, now: Date): Promise<ValidationReport> {
  const thresholdsPath = paths.thresholds('validation');
  const thresholdsBytes = await reader.readFile(ref, thresholdsPath);
  if (!thresholdsBytes) throw new NotFoundError(`${thresholdsPath} is missing; cairn init writes the defaults`, { file: thresholdsPath });
  const thresholds = decodeArtifact('ValidationThresholds', thresholdsBytes, thresholdsPath);
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
    thresholds: { path: thresholdsPath, sha256: sha256Hex(thresholdsBytes) },
    passed: checks.every((check) => check.status !== 'fail'),
    checks,
    created_at: now.toISOString(),
  });
}

/** Refuses a dataset version that was not validated, or whose report did not pass, naming the failed checks. */
export async function assertTrainable(reader: RepoReader, ref: string, dataset: string, version: string): Promise<ValidationReport> {
  const path = paths.validationReport(dataset, version);
  const report = await reader.readArtifact('ValidationReport', ref, path);
  if (!report) throw new PolicyError(`dataset ${dataset} ${version} has not been validated (${path} is missing); run cairn validate`, { dataset, version, rule: 'validated' });
  if (!report.passed) {
    const failed = report.checks.filter((check) => check.status === 'fail');
    throw new PolicyError(
      `dataset ${dataset} ${version} failed validation and cannot be trained on: ${failed.map((check) => `${check.name} (${check.message})`).join('; ')}`,
      { dataset, version, rule: 'validation-passed', failed: failed.map((check) => check.name) },
    );
  }
  return report;
}
