import { formatJsonFile } from '../../src/artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import { runInit } from '../../src/init/run-init.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { initRepo } from './git.js';

/** A model repository with default thresholds, one taxonomy and one dataset bound to it. */
export async function initModelRepo(
  dir: string,
  options: { dataset: string; taxonomy: { version: string; classes: string[]; regionClasses: string[] }; project?: number; url?: string },
): Promise<void> {
  await initRepo(dir);
  const taxonomy = buildArtifact('Taxonomy', {
    taxonomy_version: options.taxonomy.version,
    classes: options.taxonomy.classes.map((name) => ({ name })),
    region_classes: options.taxonomy.regionClasses.map((name) => ({ name })),
  });
  const config = buildArtifact('DatasetConfig', {
    dataset: options.dataset,
    taxonomy_version: options.taxonomy.version,
    label_studio: { url: options.url ?? 'http://127.0.0.1:9', project: options.project ?? 1 },
    splits: { train: 0.8, val: 0.1, test: 0.1 },
    weak_label_weights: { user_tag: 0.5, vote: 0.3, swipe: 0.2 },
  });
  const files: FileWrite[] = [
    { path: paths.taxonomy(options.taxonomy.version), content: formatJsonFile(taxonomy) },
    { path: paths.datasetConfig(options.dataset), content: encodeArtifact('DatasetConfig', config, paths.datasetConfig(options.dataset)) },
  ];
  await runInit({ dir, runId: 'test-init', extraFiles: files });
}
