import { formatJsonFile } from '../artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { DemoTaxonomy } from '../demo/build-label-config.js';
import type { FileWrite } from '../store/commit-files.js';

export const DEMO_DATASET = 'shapes';
export const DEMO_MODEL = 'shapes';

/**
 * The demo's serving thresholds: the packaged defaults, but the candidate also runs as a shadow beside
 * production, so its agreement is measured on every upload outside its canary.
 */
const DEMO_SERVING_YAML = `# How the deployer uses predictions at upload time (the demo's: shadow on).
schema: ServingThresholds/v1
min_confidence: 0.50
per_class_min_confidence: {}
min_region_score: 0.30
# Shadow: run the candidate beside production and record, never use, its output.
shadow: true
kill_switch: false
reload_interval_seconds: 5
`;

/** The files a new model repository needs for the demo: the taxonomy, the dataset, model and serving configs. */
export function buildDemoRepositoryFiles(taxonomy: DemoTaxonomy, projectId: number): FileWrite[] {
  const taxonomyArtifact = buildArtifact('Taxonomy', taxonomy);
  const config = buildArtifact('DatasetConfig', {
    dataset: DEMO_DATASET,
    description: 'Generated shapes: image class is the largest shape; regions are every shape',
    taxonomy_version: taxonomy.taxonomy_version,
    label_studio: { url: 'http://localhost:8080', project: projectId },
    splits: { train: 0.7, val: 0.15, test: 0.15 },
    weak_label_weights: { user_tag: 0.5, vote: 0.3, swipe: 0.2 },
  });
  const model = buildArtifact('ModelConfig', {
    model: DEMO_MODEL,
    description: 'Image class and shape regions of the generated shapes, by the built-in trainer',
    dataset: DEMO_DATASET,
    taxonomy_version: taxonomy.taxonomy_version,
    trainer: { kind: 'builtin', config: {} },
    calibration: true,
    bias_field: 'background',
  });
  return [
    { path: paths.taxonomy(taxonomy.taxonomy_version), content: formatJsonFile(taxonomyArtifact) },
    { path: paths.datasetConfig(DEMO_DATASET), content: encodeArtifact('DatasetConfig', config, paths.datasetConfig(DEMO_DATASET)) },
    { path: paths.modelConfig(DEMO_MODEL), content: encodeArtifact('ModelConfig', model, paths.modelConfig(DEMO_MODEL)) },
    { path: paths.thresholds('serving'), content: DEMO_SERVING_YAML },
  ];
}
