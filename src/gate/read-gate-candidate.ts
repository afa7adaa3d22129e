import { paths } from '../artifacts/layout.js';
import type { ModelArtifact, TrainingMetrics } from '../artifacts/schemas/model.js';
import { InputError, NotFoundError } from '../errors.js';
import { loadTrainingData, type FileRef, type TrainingData } from '../registry/training-data.js';
import type { RepoReader } from '../store/repo-reader.js';

/** What the gate reads of a candidate: its manifest and metrics, and its dataset version's test split. */
export interface GateCandidate {
  manifest: ModelArtifact;
  manifestRef: FileRef;
  metrics: TrainingMetrics;
  metricsRef: FileRef;
  data: TrainingData;
}

/**
 * Reads a registered candidate at `ref`, refusing what the gate cannot judge: a version that does
 * not exist, a version without metrics, metrics measured on another dataset version than the
 * model's, and a dataset version whose test split holds no item with an image.
 */
export async function readGateCandidate(reader: RepoReader, ref: string, model: string, version: string): Promise<GateCandidate> {
  const manifestPath = paths.modelManifest(model, version);
  const manifest = await reader.readArtifactWithRef('ModelArtifact', ref, manifestPath);
  if (!manifest) throw new NotFoundError(`model ${model} has no version ${version} at ${ref} (${manifestPath} is missing)`, { file: manifestPath, ref, rule: 'candidate-exists' });
  const metricsPath = paths.modelFile(model, version, 'metrics.json');
  const metrics = await reader.readArtifactWithRef('TrainingMetrics', ref, metricsPath);
  if (!metrics || !manifest.artifact.files['metrics.json']) {
    throw new InputError(`${model} ${version} has no metrics (${metricsPath}): the gate judges only what cairn measured`, { file: metricsPath, rule: 'candidate-metrics' });
  }
  const { dataset } = manifest.artifact;
  if (metrics.artifact.dataset.manifest.sha256 !== dataset.manifest.sha256) {
    throw new InputError(`${metricsPath} was measured on ${metrics.artifact.dataset.manifest.path}, not on the model's dataset ${dataset.manifest.path}`, {
      file: metricsPath,
      rule: 'metrics-test-split',
    });
  }
  const data = await loadTrainingData(reader, ref, dataset.name, dataset.version);
  if (data.manifestRef.sha256 !== dataset.manifest.sha256) {
    throw new InputError(`${dataset.manifest.path} has changed since ${model} ${version} was trained on it`, { file: dataset.manifest.path, rule: 'lineage' });
  }
  if (data.splits.test.length === 0) {
    throw new InputError(`${dataset.name} ${dataset.version} has no test item with an image: the gate has nothing to compare ${model} ${version} on`, {
      file: dataset.manifest.path,
      rule: 'empty-test-split',
    });
  }
  return { manifest: manifest.artifact as ModelArtifact, manifestRef: manifest.fileRef, metrics: metrics.artifact as TrainingMetrics, metricsRef: metrics.fileRef, data };
}
