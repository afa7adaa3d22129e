// Workflow entry of ingest.yml: download the dataset's Label Studio project, commit the next
// dataset version on cairn/ingest/<dataset>/<version> and open a pull request.
// Env: DATASET, BASE_REF (default origin/main), LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY,
// PUSH_REMOTE (default origin; empty keeps branches local), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY.
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { buildIngestSummary } from '../src/dataset/ingest-pull-request.js';
import { runIngestFromProject } from '../src/dataset/run-ingest-from-project.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const dataset = requireEnv('DATASET');
  const { result, pullRequest, missing } = await runIngestFromProject(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), remote: pushRemoteFromEnv() },
    { dataset, base: process.env.BASE_REF ?? 'origin/main', runId: runIdFromEnv(), now: () => new Date() },
  );
  await core.summary.addRaw(buildIngestSummary(dataset, result, pullRequest?.number ?? null, missing)).write();
  core.setOutput('dataset-version', result.version ?? '');
  core.setOutput('pull-request', pullRequest?.number ?? '');
});
