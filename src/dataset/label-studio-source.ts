import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { CairnError, InputError } from '../errors.js';
import type { LabelStudioClient } from '../label-studio/client.js';
import { fetchImageBytes, resolveImageSource } from '../label-studio/image-source.js';
import { normalizeTask } from '../label-studio/normalize-task.js';
import { readExportTasks } from '../label-studio/read-export-tasks.js';
import type { ImageFetcher, TaskSource } from './labelled-task.js';

/**
 * A Label Studio JSON export on disk as a source of labelled tasks, streamed task by task. An
 * export that holds no tasks (`[]`, a project with none) is a source of no tasks: nothing new.
 */
export function exportFileSource(path: string, options: { kind?: TaskSource['kind']; name?: string } = {}): TaskSource {
  const name = options.name ?? basename(path);
  let digest: string | null = null;
  return {
    kind: options.kind ?? 'label-studio-export',
    name,
    path,
    async *tasks() {
      const hash = createHash('sha256');
      let index = 0;
      try {
        for await (const raw of readExportTasks(path, (chunk) => hash.update(chunk))) yield normalizeTask(raw, { file: name, index: index++ });
      } catch (error) {
        // The reader refuses a list with no tasks once it has read to its end; for ingestion that
        // is an empty project, not a broken file.
        if (!(error instanceof InputError && error.data.rule === 'empty-export')) throw error;
      }
      digest = hash.digest('hex');
    },
    sha256: () => digest,
  };
}

/**
 * Fetches images the way their URLs say (a local folder, the Label Studio server, presigned cloud
 * storage, plain web URLs). An image that cannot be fetched is reported through `onMissing` and
 * yields null: the item is kept with its image marked missing, never dropped.
 */
export function labelStudioImageFetcher(options: {
  localRoot?: string;
  client?: LabelStudioClient;
  projectId: number;
  onMissing?: (url: string, taskId: number, reason: string) => void;
}): ImageFetcher {
  return async (url, taskId) => {
    try {
      const source = resolveImageSource(url, { localRoot: options.localRoot, client: options.client, taskId, projectId: options.projectId });
      return await fetchImageBytes(source, { client: options.client });
    } catch (error) {
      if (!(error instanceof CairnError)) throw error;
      options.onMissing?.(url, taskId, error.message);
      return null;
    }
  };
}
