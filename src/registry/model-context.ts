import type { ItemImageReader } from '../registry/training-data.js';
import type { RepoReader } from '../store/repo-reader.js';

/**
 * What every model command needs besides the repository reader: the image reader of the model's
 * dataset (from `images` or the way ingestion fetched them) and the commit of the running code.
 */
export async function modelContext(reader: RepoReader, ref: string, model: string, images: string | undefined): Promise<{ readImage: ItemImageReader; codeCommit: string }> {
  const [{ paths }, { datasetImageReader }, { codeCommitFromEnv }] = await Promise.all([
    import('../artifacts/layout.js'),
    import('./training-data.js'),
    import('./code-commit.js'),
  ]);
  const config = await reader.loadArtifact('ModelConfig', ref, paths.modelConfig(model));
  const dataset = await reader.loadArtifact('DatasetConfig', ref, paths.datasetConfig(config.dataset));
  return { readImage: datasetImageReader(dataset, images ? { localRoot: images } : {}), codeCommit: await codeCommitFromEnv() };
}
