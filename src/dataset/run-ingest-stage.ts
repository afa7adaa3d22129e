import { paths } from '../artifacts/layout.js';
import type { ValidationReport } from '../artifacts/schemas/dataset.js';
import { UsageError } from '../errors.js';
import type { Forge, PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import { GitCli } from '../store/git-cli.js';
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
  const result = await runIngest({ ...options, dir: deps.dir, reader: deps.reader, branch, startPoint: base });
  if (!result.commit || !result.version) return { result, pullRequest: null };
  if (deps.remote) await new GitCli(deps.dir).run(['push', '--quiet', deps.remote, `refs/heads/${branch}:refs/heads/${branch}`]);
  const manifest = await deps.reader.loadArtifact('DatasetArtifact', result.commit, paths.datasetManifest(options.dataset, result.version));
  const { title, body } = buildIngestPullRequest(result, manifest);
  const baseBranch = options.base.replace(/^origin\//, '');
  const pullRequest = await deps.forge.openPullRequest({ head: branch, base: baseBranch, title, body, labels: ['cairn:dataset'] });
  return { result, pullRequest };
}

/**
 * The validation check of an ingest pull request: validates the version on the PR's branch,
 * commits the report there, posts it as the one bot comment and sets the `cairn/validation`
 * status that branch protection can require.
 */
export async function runValidationCheck(deps: IngestStageDeps, options: { pullRequest: number; runId: string; now: () => Date }): Promise<{ report: ValidationReport; pullRequest: PullRequest }> {
  const pr = await deps.forge.getPullRequest(options.pullRequest);
  const branch = StageBranch.parse(pr.head);
  if (!branch || branch.stage !== 'ingest') {
    throw new UsageError(`pull request #${pr.number} (${pr.head}) is not a cairn ingest pull request`, { pullRequest: pr.number, head: pr.head });
  }
  const validated = await runValidate({ dir: deps.dir, reader: deps.reader, dataset: branch.subject, version: branch.version, branch: pr.head, runId: options.runId, now: options.now });
  if (deps.remote && validated.commit) await new GitCli(deps.dir).run(['push', '--quiet', deps.remote, `refs/heads/${pr.head}:refs/heads/${pr.head}`]);
  const updated = await deps.forge.getPullRequest(pr.number);
  await deps.forge.upsertComment(pr.number, validationCommentMarker(branch.subject), buildValidationComment(validated.report));
  await deps.forge.setStatus({
    context: 'cairn/validation',
    sha: updated.headSha,
    state: validated.report.passed ? 'success' : 'failure',
    description: validated.report.passed ? 'dataset validation passed' : `failed: ${validated.report.checks.filter((c) => c.status === 'fail').map((c) => c.name).join(', ')}`,
  });
  return { report: validated.report, pullRequest: updated };
}
