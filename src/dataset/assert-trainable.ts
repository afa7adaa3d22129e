import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { PolicyError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { findValidationReport, listValidationReports, readValidationThresholds } from './find-validation-report.js';

/**
 * Refuses a dataset version that has no passing report made with the validation thresholds at
 * `ref`: not validated at all, validated only under other thresholds (a thresholds change needs a
 * new `cairn validate`), or failed, naming the failed checks.
 */
export async function assertTrainable(reader: RepoReader, ref: string, dataset: string, version: string): Promise<ValidationReport> {
  const { ref: thresholds } = await readValidationThresholds(reader, await reader.resolveCommit(ref));
  const found = await findValidationReport(reader, ref, dataset, version, thresholds.sha256);
  if (!found) {
    const others = await listValidationReports(reader, ref, dataset, version);
    const current = `the current ${thresholds.path} (sha256 ${thresholds.sha256.slice(0, 12)})`;
    const message =
      others.length === 0
        ? `dataset ${dataset} ${version} has not been validated; run cairn validate --dataset ${dataset} --version ${version}`
        : `dataset ${dataset} ${version} has no validation report made with ${current}, only ${others.join(', ')}; run cairn validate --dataset ${dataset} --version ${version}`;
    throw new PolicyError(message, { dataset, version, rule: 'validated', thresholds_sha256: thresholds.sha256, reports: others });
  }
  const { report, path } = found;
  if (!report.passed) {
    const failed = report.checks.filter((check) => check.status === 'fail');
    throw new PolicyError(
      `dataset ${dataset} ${version} failed validation and cannot be trained on: ${failed.map((check) => `${check.name} (${check.message})`).join('; ')}`,
      { dataset, version, rule: 'validation-passed', report: path, failed: failed.map((check) => check.name) },
    );
  }
  return report;
}
