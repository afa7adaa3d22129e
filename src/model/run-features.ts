import * as ort from 'onnxruntime-node';
import { InputError } from '../errors.js';
import { FEATURE_NAMES, IMAGE_INPUT } from './extractor-graph.js';
import { INPUT_CHANNELS, assertImageBatch, buildExtractorWeights, type ExtractorSpec, type InputNormalisation } from './feature-extractor.js';
import { buildExtractorGraph } from './onnx-graph.js';
import type { FeatureBatch } from './reference-features.js';
import { DEFAULT_SESSION_OPTIONS } from './session-options.js';

/** An onnxruntime session of the extractor alone; `close()` it when done. */
export interface FeatureExtractor {
  readonly spec: ExtractorSpec;
  readonly imageFeatureSize: number;
  readonly cellFeatureSize: number;
  /** G·G: cell rows per image in `cellFeatures`. */
  readonly cellCount: number;
  /** Features of `count` normalised images laid out as [count, 3, S, S], computed `batchSize` at a time. */
  extract(images: Float32Array, count: number): Promise<FeatureBatch>;
  close(): Promise<void>;
}

export interface FeatureExtractorOptions {
  extractor: ExtractorSpec;
  /** How the images were normalised: the front end undoes it. */
  normalisation: InputNormalisation;
  /** Images per onnxruntime run; 64 by default, which amortises the per-run overhead. */
  batchSize?: number;
  /** Passed to onnxruntime, e.g. `{ intraOpNumThreads: 2 }`. */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** The default images per onnxruntime run. */
export const DEFAULT_FEATURE_BATCH = 64;

/**
 * Loads the extractor graph into onnxruntime. Its nodes are those of the full model
 * (`buildExtractorGraph`), so the features equal the ones the model's heads see.
 */
export async function loadFeatureExtractor(options: FeatureExtractorOptions): Promise<FeatureExtractor> {
  const spec = options.extractor;
  const batchSize = options.batchSize ?? DEFAULT_FEATURE_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batchSize must be a positive integer, got ${batchSize}`, { rule: 'batch-size', batchSize });
  }
  const weights = buildExtractorWeights(spec);
  const session = await ort.InferenceSession.create(buildExtractorGraph(spec, options.normalisation), options.sessionOptions ?? DEFAULT_SESSION_OPTIONS);
  const { imageFeatureSize, cellFeatureSize } = weights;
  const cellCount = weights.gridSize ** 2;
  const imageLength = INPUT_CHANNELS * spec.inputSize * spec.inputSize;

  const extract = async (images: Float32Array, count: number): Promise<FeatureBatch> => {
    assertImageBatch(images, count, spec.inputSize);
    const imageFeatures = new Float32Array(count * imageFeatureSize);
    const cellFeatures = new Float32Array(count * cellCount * cellFeatureSize);
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const batch = images.slice(start * imageLength, (start + size) * imageLength);
      const input = new ort.Tensor('float32', batch, [size, INPUT_CHANNELS, spec.inputSize, spec.inputSize]);
      const results = await session.run({ [IMAGE_INPUT]: input });
      imageFeatures.set(results[FEATURE_NAMES.image]!.data as Float32Array, start * imageFeatureSize);
      cellFeatures.set(results[FEATURE_NAMES.cells]!.data as Float32Array, start * cellCount * cellFeatureSize);
      for (const tensor of [input, ...Object.values(results)]) tensor.dispose();
    }
    return { count, imageFeatures, cellFeatures };
  };

  return {
    spec: { ...spec },
    imageFeatureSize,
    cellFeatureSize,
    cellCount,
    extract,
    close: () => session.release(),
  };
}
