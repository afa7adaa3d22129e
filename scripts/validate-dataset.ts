// Workflow entry of dataset-validation.yml: the validation check of an ingest pull request, run
// from a checkout of the base branch with the pull request's branch fetched as data. Commits the
// report to the PR's branch, posts it as the bot comment and sets the cairn/validation status.
// Env: PR_NUMBER, THRESHOLDS_REF (the PR's base commit, so a PR cannot loosen the thresholds it
// is judged by), PUSH_REMOTE (default origin), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY.
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { buildValidationComment } from '../src/dataset/ingest-pull-request.js';
import { runValidationCheck } from '../src/dataset/run-ingest-stage.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const { report } = await runValidationCheck(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), remote: pushRemoteFromEnv() },
    { pullRequest: Number(requireEnv('PR_NUMBER')), runId: runIdFromEnv(), now: () => new Date(), thresholdsRef: process.env.THRESHOLDS_REF || undefined },
  );
  await core.summary.addRaw(buildValidationComment(report)).write();
  if (!report.passed) core.setFailed(`validation of ${report.dataset} ${report.dataset_version} failed; this version cannot be trained on`);
});
