import type { DatasetArtifact, ValidationReport } from '../artifacts/schemas/dataset.js';
import { commentMarker } from '../forge/port.js';
import type { IngestResult } from './run-ingest.js';

/** Title and body of the pull request that proposes a new dataset version. */
export function buildIngestPullRequest(result: IngestResult, manifest: DatasetArtifact): { title: string; body: string } {
  const counts = manifest.counts;
  const table = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, count]) => `| ${name} | ${count} |`)
      .join('\n');
  return {
    title: `Dataset ${manifest.dataset} ${manifest.dataset_version}: ${result.added} new, ${result.updated} corrected`,
    body: [
      `Ingested from Label Studio project ${manifest.source.project} (\`${manifest.source.export}\`, ${manifest.source.tasks} tasks, sha256 \`${manifest.source.export_sha256.slice(0, 12)}\`).`,
      '',
      `- items: ${counts.items} (train ${counts.splits.train}, val ${counts.splits.val}, test ${counts.splits.test})`,
      `- new: ${result.added}, corrected: ${result.updated}, skipped tasks: ${result.skipped.length}`,
      `- missing images: ${counts.missing_images}`,
      `- parent: ${manifest.parent?.dataset_version ?? 'none'}; cursor ${manifest.cursor.updated_at} (task ${manifest.cursor.task_id})`,
      '',
      '| image class | items |',
      '| --- | --- |',
      table(counts.classes),
      '',
      '| region class | regions |',
      '| --- | --- |',
      table(counts.region_classes),
      '',
      'The `validation` check runs on this pull request; a version whose validation fails cannot be trained on.',
    ].join('\n'),
  };
}

/** The hidden marker of a dataset's validation comment: one comment per pull request, edited in place. */
export function validationCommentMarker(dataset: string): string {
  return commentMarker(`validation:${dataset}`);
}

/** The bot comment with a validation report, edited in place on every run. */
export function buildValidationComment(report: ValidationReport): string {
  const icon = { pass: '✅', warn: '⚠️', fail: '❌' } as const;
  return [
    validationCommentMarker(report.dataset),
    `### Validation of ${report.dataset} ${report.dataset_version}: ${report.passed ? 'passed' : 'failed'}`,
    '',
    '| check | status | result |',
    '| --- | --- | --- |',
    ...report.checks.map((check) => `| ${check.name} | ${icon[check.status]} ${check.status} | ${check.message.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

/** The ingest workflow's job summary: the version and its pull request, or "nothing new". */
export function buildIngestSummary(dataset: string, result: IngestResult, pullRequest: number | null, missing: readonly string[]): string {
  if (!result.version) return `### ${dataset}: nothing new\n\n${result.tasks} tasks read; nothing written.\n`;
  const lines = [`### Ingested ${dataset} ${result.version}`, '', `${result.added} new, ${result.updated} corrected from ${result.tasks} tasks; pull request #${pullRequest}.`];
  if (missing.length > 0) {
    lines.push('', `${missing.length} image(s) could not be fetched (recorded; validation fails past max_missing_images):`, '', ...missing.slice(0, 50).map((line) => `- ${line}`));
    if (missing.length > 50) lines.push(`- … and ${missing.length - 50} more`);
  }
  return `${lines.join('\n')}\n`;
}
