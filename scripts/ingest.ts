// Workflow entry of ingest.yml: download the dataset's Label Studio project, commit the next
// dataset version on cairn/ingest/<dataset>/<version> and open a pull request.
// Env: DATASET, BASE_REF (default origin/main), LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY,
// CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY.
import * as core from '@actions/core';
import { paths } from '../src/artifacts/layout.js';
import { describeError } from '../src/cli/output.js';
import { runIdFromEnv } from '../src/cli/run-id.js';
import { withProjectExport } from '../src/dataset/download-export.js';
import { labelStudioImageFetcher } from '../src/dataset/label-studio-source.js';
import { runIngestStage } from '../src/dataset/run-ingest-stage.js';
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
  const dataset = requireEnv('DATASET');
  const base = process.env.BASE_REF ?? 'origin/main';
  const reader = new RepoReader(dir);
  const config = await reader.loadArtifact('DatasetConfig', base, paths.datasetConfig(dataset));
  const missing: string[] = [];
  const forge = await forgeFromEnv(dir);
  const { result, pullRequest } = await withProjectExport(config, ({ source, client }) => {
    const fetchImage = labelStudioImageFetcher({ client, projectId: config.label_studio.project, onMissing: (url, task) => missing.push(`task ${task}: ${url}`) });
    return runIngestStage({ dir, reader, forge, remote: pushRemote() }, { dataset, source, fetchImage, runId: runIdFromEnv(), now: () => new Date(), base });
  });
  const summary = result.version
    ? `### Ingested ${dataset} ${result.version}\n\n${result.added} new, ${result.updated} corrected from ${result.tasks} tasks; pull request #${pullRequest?.number}.\n${missing.length ? `\n${missing.length} image(s) could not be fetched (kept, reported):\n\n${missing.slice(0, 50).map((m) => `- ${m}`).join('\n')}\n` : ''}`
    : `### ${dataset}: nothing new\n\n${result.tasks} tasks read; nothing written.\n`;
  await core.summary.addRaw(summary).write();
  core.setOutput('dataset-version', result.version ?? '');
  core.setOutput('pull-request', pullRequest?.number ?? '');
} catch (error) {
  core.setFailed(describeError(error));
}
