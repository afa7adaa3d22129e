import { UsageError } from '../errors.js';
import { listModels } from '../registry/read-registry.js';
import { ModelVersion } from '../registry/model-version.js';
import type { RepoReader } from '../store/repo-reader.js';

/**
 * The model and version a command names: `<model> <version>`, or just `<version>` when the registry
 * holds one model (as `cairn models show 1.2.0` or `cairn reproduce 1.2.0`).
 */
export async function resolveModelVersion(reader: RepoReader, ref: string, first: string, second: string | undefined): Promise<{ model: string; version: string | undefined }> {
  if (second !== undefined || !ModelVersion.isVersion(first)) return { model: first, version: second };
  const models = await listModels(reader, ref);
  if (models.length !== 1) {
    throw new UsageError(`"${first}" is a version; name the model too (the registry at ${ref} has ${models.length === 0 ? 'no models' : `models ${models.join(', ')}`})`, { version: first, models });
  }
  return { model: models[0]!, version: first };
}
