import { sha256Hex } from '../artifacts/canonical-json.js';
import { paths } from '../artifacts/layout.js';
import type { GateDecisionV2, RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { ChecksumError, NotFoundError } from '../errors.js';
import { evaluateTrainedModel, type EvaluationProgress } from '../registry/evaluate-version.js';
import type { ItemImageReader } from '../registry/training-data.js';
import type { RepoReader } from '../store/repo-reader.js';
import { measurementsOf } from './gate-measurements.js';
import type { GateCandidate } from './read-gate-candidate.js';

export type RecordedBaseline = NonNullable<GateDecisionV2['baseline']>;

export interface MeasureBaselineOptions {
  reader: RepoReader;
  /** Where production's files are read: the commit whose rollout state named it. */
  ref: string;
  production: NonNullable<RolloutStateV2['production']>;
  candidate: GateCandidate;
  readImage: ItemImageReader;
  onProgress?: (progress: EvaluationProgress) => void;
}

/**
 * Production as the gate compares with it. On the candidate's taxonomy it is run again on the
 * candidate's test split, with its own calibration, so both are measured on the same items. On
 * another taxonomy its classes cannot be compared one by one: its recorded measurements are kept
 * for the reader and marked not comparable, and no model is run.
 */
export async function measureBaseline(options: MeasureBaselineOptions): Promise<RecordedBaseline> {
  const { reader, ref, production, candidate } = options;
  const manifestPath = production.manifest.path;
  const bytes = await reader.readFile(ref, manifestPath);
  if (!bytes) throw new NotFoundError(`production ${production.model_version} (${manifestPath}) is missing at ${ref}`, { file: manifestPath, ref, rule: 'lineage' });
  if (sha256Hex(bytes) !== production.manifest.sha256) {
    throw new ChecksumError(`${manifestPath} no longer has the sha256 the rollout state recorded for production ${production.model_version}`, { file: manifestPath, rule: 'lineage' });
  }
  const manifest = await reader.loadArtifact('ModelArtifact', ref, manifestPath);
  const recorded = { model_version: production.model_version, manifest: production.manifest };
  if (manifest.taxonomy.sha256 !== candidate.manifest.taxonomy.sha256) {
    const metrics = await reader.loadArtifact('TrainingMetrics', ref, paths.modelFile(manifest.model, manifest.model_version, 'metrics.json'));
    return { ...recorded, comparable: false, measurements: measurementsOf(metrics) };
  }
  const file = paths.modelFile(manifest.model, manifest.model_version, 'model.onnx');
  const weights = await reader.readFile(ref, file);
  const entry = manifest.files['model.onnx'];
  if (!weights || !entry) throw new NotFoundError(`${file}, the weights of production ${production.model_version}, is missing at ${ref}`, { file, ref, rule: 'lineage' });
  const calibration = manifest.calibrated ? await reader.loadArtifact('Calibration', ref, paths.modelFile(manifest.model, manifest.model_version, 'calibration.json')) : null;
  const evaluation = await evaluateTrainedModel({
    bytes: weights,
    sha256: entry.sha256,
    file,
    data: candidate.data,
    readImage: options.readImage,
    calibrate: false,
    existingCalibration: calibration?.classes ?? null,
    // Subgroups by the candidate's field, so both bias figures describe the same groups.
    biasField: candidate.metrics.bias?.field ?? null,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { ...recorded, comparable: true, measurements: measurementsOf(evaluation.metrics) };
}
