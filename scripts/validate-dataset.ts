// Workflow entry of dataset-validation.yml: the validation check of an ingest pull request.
// Commits the report to the PR's branch, posts it as the bot comment and sets the
// cairn/validation status. Env: PR_NUMBER, CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY,
// THRESHOLDS_REF (the PR's base commit, so a PR cannot loosen the thresholds it is judged by).
import * as core from '@actions/core';
import { describeError } from '../src/cli/output.js';
import { runIdFromEnv } from '../src/cli/run-id.js';
import { buildValidationComment } from '../src/dataset/ingest-pull-request.js';
import { runValidationCheck } from '../src/dataset/run-ingest-stage.js';
import { requireEnv } from '../src/actions/env.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { RepoReader } from '../src/store/repo-reader.js';

/** The remote branches are pushed to: `origin`, or none when PUSH_REMOTE is set empty. */
function pushRemote(): string | undefined {
  const remote = process.env.PUSH_REMOTE ?? 'origin';
  return remote === '' ? undefined : remote;
}

try {
  const dir = process.cwd();
  const pullRequest = Number(requireEnv('PR_NUMBER'));
  const { report } = await runValidationCheck(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), remote: pushRemote() },
    { pullRequest, runId: runIdFromEnv(), now: () => new Date(), thresholdsRef: process.env.THRESHOLDS_REF || undefined },
  );
  await core.summary.addRaw(buildValidationComment(report)).write();
  if (!report.passed) core.setFailed(`validation of ${report.dataset} ${report.dataset_version} failed; this version cannot be trained on`);
} catch (error) {
  core.setFailed(describeError(error));
}
