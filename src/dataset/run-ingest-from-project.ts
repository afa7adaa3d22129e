import { paths } from '../artifacts/layout.js';
import type { PullRequest } from '../forge/port.js';
import { redact, secretsFromEnv } from '../redact.js';
import { withProjectExport } from './download-export.js';
import { labelStudioImageFetcher } from './label-studio-source.js';
import { runIngestStage, type IngestStageDeps } from './run-ingest-stage.js';
import type { IngestResult } from './run-ingest.js';

export interface IngestFromProjectOptions {
  dataset: string;
  /** The branch the new version builds on, e.g. `origin/main`. */
  base: string;
  runId: string;
  now: () => Date;
  /** Label Studio URL and token (`LABEL_STUDIO_URL`, `LABEL_STUDIO_API_KEY`); the process env by default. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
}

/**
 * The ingest workflow from the dataset's Label Studio project: downloads the export (removed when
 * the run ends), fetches images through the API, and runs the ingest stage. Images that could
 * not be fetched are listed, credentials masked, and recorded in the version for validation.
 */
export async function runIngestFromProject(deps: IngestStageDeps, options: IngestFromProjectOptions): Promise<{ result: IngestResult; pullRequest: PullRequest | null; missing: string[] }> {
  const env = options.env ?? process.env;
  const config = await deps.reader.loadArtifact('DatasetConfig', options.base, paths.datasetConfig(options.dataset));
  const missing: string[] = [];
  const secrets = secretsFromEnv(env);
  const staged = await withProjectExport(
    config,
    ({ source, client }) => {
      const fetchImage = labelStudioImageFetcher({
        client,
        projectId: config.label_studio.project,
        onMissing: (url, task, reason) => missing.push(redact(`task ${task}: ${url}: ${reason}`, secrets)),
      });
      return runIngestStage(deps, { dataset: options.dataset, source, fetchImage, runId: options.runId, now: options.now, base: options.base });
    },
    env,
    options.fetch,
  );
  return { ...staged, missing };
}
