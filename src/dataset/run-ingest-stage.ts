import { paths } from '../artifacts/layout.js';
import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { UsageError } from '../errors.js';
import type { Forge, PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import type { CommitStageOptions } from '../store/stage-writer.js';
import type { RepoReader } from '../store/repo-reader.js';
import { DatasetVersion } from './dataset-version.js';
import { buildIngestPullRequest, buildValidationComment, validationCommentMarker } from './ingest-pull-request.js';
import { findLatestDatasetVersion } from './read-dataset.js';
import { runIngest, type IngestOptions, type IngestResult } from './run-ingest.js';
import { runValidate } from './run-validate.js';

export interface IngestStageDeps {
  dir: string;
  reader: RepoReader;
  forge: Forge;
  /** Push branches to this remote (the workflow's `origin`); omit to keep them local. */
  remote?: string;
}

export type IngestStageOptions = Omit<IngestOptions, 'dir' | 'reader' | 'branch' | 'startPoint' | 'push'> & { base: string };

/**
 * The ingest workflow: a new dataset version on its own branch (`cairn/ingest/<dataset>/<version>`)
 * and a pull request proposing it. Nothing new: no branch, no pull request.
 */
export async function runIngestStage(deps: IngestStageDeps, options: IngestStageOptions): Promise<{ result: IngestResult; pullRequest: PullRequest | null }> {
  const base = await deps.reader.resolveCommit(options.base);
  const latest = await findLatestDatasetVersion(deps.reader, base, options.dataset);
  const next = latest ? DatasetVersion.parse(latest).next() : DatasetVersion.first();
  const branch = new StageBranch('ingest', options.dataset, next.toString()).toString();
  // Pushed through the store: a branch new to the remote starts at `base`, and a lost race re-plans.
  const result = await runIngest({ ...options, dir: deps.dir, reader: deps.reader, branch, startPoint: base, push: pushTo(deps) });
  if (!result.commit || !result.version) return { result, pullRequest: null };
  const manifest = await deps.reader.loadArtifact('DatasetArtifact', result.commit, paths.datasetManifest(options.dataset, result.version));
  const { title, body } = buildIngestPullRequest(result, manifest);
  const baseBranch = options.base.replace(/^origin\//, '');
  const pullRequest = await deps.forge.openPullRequest({ head: branch, base: baseBranch, title, body, labels: ['cairn:dataset'] });
  return { result, pullRequest };
}

export interface ValidationCheckOptions {
  pullRequest: number;
  runId: string;
  now: () => Date;
  /** The commit whose thresholds judge the version (the workflow passes the PR's base); default: the PR's own head. */
  thresholdsRef?: string;
}

/**
 * The validation check of an ingest pull request: validates the version on the PR's branch,
 * commits the report there, posts it as the one bot comment and sets the `cairn/validation`
 * status that branch protection can require. The branch need not be checked out: the PR's
 * commits are data, read from the object store and committed onto its branch ref, and with a
 * remote the report is pushed through the store (fetch, plan on the branch's tip, push; a push
 * that lands first is met with a re-plan on the new tip).
 */
export async function runValidationCheck(deps: IngestStageDeps, options: ValidationCheckOptions): Promise<{ report: ValidationReport; pullRequest: PullRequest }> {
  const pr = await deps.forge.getPullRequest(options.pullRequest);
  const branch = StageBranch.parse(pr.head);
  if (!branch || branch.stage !== 'ingest') {
    throw new UsageError(`pull request #${pr.number} (${pr.head}) is not a cairn ingest pull request`, { pullRequest: pr.number, head: pr.head });
  }
  const validated = await runValidate({
    dir: deps.dir,
    reader: deps.reader,
    dataset: branch.subject,
    version: branch.version,
    branch: pr.head,
    startPoint: pr.headSha,
    thresholdsRef: options.thresholdsRef,
    push: pushTo(deps),
    runId: options.runId,
    now: options.now,
  });
  const updated = await deps.forge.getPullRequest(pr.number);
  await deps.forge.upsertComment(pr.number, validationCommentMarker(branch.subject), buildValidationComment(validated.report));
  await deps.forge.setStatus({
    context: 'cairn/validation',
    // The commit that holds the report: the head may have moved on since, to content not validated.
    sha: validated.head,
    state: validated.report.passed ? 'success' : 'failure',
    description: validated.report.passed ? 'dataset validation passed' : `failed: ${validated.report.checks.filter((c) => c.status === 'fail').map((c) => c.name).join(', ')}`,
  });
  return { report: validated.report, pullRequest: updated };
}

function pushTo(deps: IngestStageDeps): CommitStageOptions['push'] {
  return deps.remote ? { remote: deps.remote } : undefined;
}
