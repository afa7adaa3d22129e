import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import { UsageError } from '../errors.js';
import { authForToken, LabelStudioClient } from '../label-studio/client.js';
import type { TaskSource } from './labelled-task.js';
import { exportFileSource } from './label-studio-source.js';

export interface ProjectExport {
  source: TaskSource;
  client: LabelStudioClient;
}

/**
 * Downloads the dataset's Label Studio project (a quick export for small projects, an export
 * snapshot for large ones) to a temporary file, streamed, hands it to `use` as a task source, and
 * removes the file when `use` is done, whether it succeeded or failed (a download that fails
 * half-way leaves nothing behind either). The server is `LABEL_STUDIO_URL` or the dataset
 * config's; the token is `LABEL_STUDIO_API_KEY`, a legacy token or a personal access token
 * (exchanged for a short-lived Bearer token).
 */
export async function withProjectExport<T>(
  config: DatasetConfig,
  use: (download: ProjectExport) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl?: typeof globalThis.fetch,
): Promise<T> {
  const token = env.LABEL_STUDIO_API_KEY;
  if (!token) throw new UsageError('LABEL_STUDIO_API_KEY is not set: give a legacy token or a personal access token', { variable: 'LABEL_STUDIO_API_KEY' });
  const client = new LabelStudioClient({ baseUrl: env.LABEL_STUDIO_URL ?? config.label_studio.url, auth: authForToken(token), fetch: fetchImpl });
  const dir = await mkdtemp(join(tmpdir(), 'cairn-export-'));
  try {
    const download = await client.exportProject(config.label_studio.project, join(dir, 'export.json'));
    const name = download.exportId === null ? `project-${config.label_studio.project}-quick-export.json` : `project-${config.label_studio.project}-snapshot-${download.exportId}.json`;
    return await use({ source: exportFileSource(download.path, { kind: 'label-studio-api', name }), client });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
