import { NotFoundError } from '../errors.js';
import type { RepoReader } from '../store/repo-reader.js';
import { listModels } from './read-registry.js';

/**
 * The models a training run covers: the one asked for (which must exist at `ref`), or every
 * model with a `registry/<model>/model.yaml`, sorted.
 */
export async function runListModels(options: { reader: RepoReader; ref: string; model?: string }): Promise<string[]> {
  const models = await listModels(options.reader, options.ref);
  if (options.model === undefined) return models;
  if (!models.includes(options.model)) {
    throw new NotFoundError(`model ${options.model} has no registry/${options.model}/model.yaml at ${options.ref}; models: ${models.join(', ') || 'none'}`, { model: options.model, ref: options.ref });
  }
  return [options.model];
}
