import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { IMAGE_INPUT } from '../../src/model/extractor-graph.js';
import { buildExtractorWeights } from '../../src/model/feature-extractor.js';
import type { BoxPostprocess, ModelSpec } from '../../src/model/model-spec.js';
import { gridHeadChannels } from '../../src/model/model-spec.js';
import { onnx } from '../../src/model/onnx-proto.js';
import { createPrng } from '../../src/model/prng.js';
import type { ModelOutputs } from '../../src/model/reference-forward.js';

export const MEAN = [0.485, 0.456, 0.406] as const;
/** The built-in extractor's image feature length. */
export const IMAGE_FEATURES = buildExtractorWeights({ seed: 0, inputSize: 64 }).imageFeatureSize;
/** The built-in extractor's cell feature length. */
export const CELL_FEATURES = buildExtractorWeights({ seed: 0, inputSize: 64 }).cellFeatureSize;
export const STD = [0.229, 0.224, 0.225] as const;

function normals(seed: number, length: number, scale: number): Float32Array {
  const prng = createPrng(seed);
  return Float32Array.from({ length }, () => prng.nextNormal() * scale);
}

/**
 * Random dense weights [inputs × outputs] with each output's weights summing to zero. ReLU features
 * share a large positive mean, so without this every cell would get nearly the same logits.
 */
function centredWeights(seed: number, inputs: number, outputs: number, scale: number): Float32Array {
  const weight = normals(seed, inputs * outputs, scale);
  for (let j = 0; j < outputs; j++) {
    let sum = 0;
    for (let i = 0; i < inputs; i++) sum += weight[i * outputs + j]!;
    for (let i = 0; i < inputs; i++) weight[i * outputs + j]! -= sum / inputs;
  }
  return weight;
}

/** A valid spec with seeded random heads whose scores straddle the thresholds. */
export function buildRandomSpec(options: { headSeed?: number; extractorSeed?: number; postprocess?: Partial<BoxPostprocess> } = {}): ModelSpec {
  const headSeed = options.headSeed ?? 11;
  const classes = ['cat', 'dog', 'bird'];
  const regionClasses = ['eye', 'ear', 'tail'];
  const channels = gridHeadChannels(regionClasses.length);
  return {
    extractor: { seed: options.extractorSeed ?? 7, inputSize: 64 },
    mean: MEAN,
    std: STD,
    classes,
    regionClasses,
    classHead: { weight: centredWeights(headSeed, IMAGE_FEATURES, classes.length, 0.1), bias: normals(headSeed + 1, classes.length, 0.1) },
    // Objectness is rarer than not and boxes are large, so NMS has both work and empty rows.
    gridHead: { weight: centredWeights(headSeed + 2, 9 * CELL_FEATURES, channels, 0.2), bias: Float32Array.of(-1, 0, 0, 0, 0, 0, 1, 1) },
    postprocess: { iouThreshold: 0.45, scoreThreshold: 0.3, maxBoxes: 20, ...options.postprocess },
  };
}

/**
 * `count` random RGB images of side `size`: a few flat rectangles of random colours over faint noise, so
 * that cells differ the way they do in real pictures. Normalised like a real input: (pixel/255 − mean) / std.
 */
export function randomImages(seed: number, count: number, size = 64): Float32Array {
  const prng = createPrng(seed);
  const plane = size * size;
  const images = new Float32Array(count * 3 * plane);
  for (let n = 0; n < count; n++) {
    const pixels = Array.from({ length: 3 * plane }, () => prng.nextUniform(0, 40));
    for (let shape = 0; shape < 4; shape++) {
      const [x0, y0] = [Math.floor(prng.nextFloat() * size), Math.floor(prng.nextFloat() * size)];
      const [width, height] = [4 + Math.floor(prng.nextFloat() * size / 2), 4 + Math.floor(prng.nextFloat() * size / 2)];
      const colour = [0, 1, 2].map(() => prng.nextUniform(0, 215));
      for (let y = y0; y < Math.min(size, y0 + height); y++) {
        for (let x = x0; x < Math.min(size, x0 + width); x++) {
          for (let c = 0; c < 3; c++) pixels[c * plane + y * size + x] = colour[c]! + prng.nextUniform(0, 40);
        }
      }
    }
    pixels.forEach((pixel, i) => {
      const channel = Math.floor(i / plane);
      images[n * 3 * plane + i] = (Math.floor(pixel) / 255 - MEAN[channel]!) / STD[channel]!;
    });
  }
  return images;
}

/** Runs a full model session and returns its outputs in the reference's layout. */
export async function runModel(session: ort.InferenceSession, images: Float32Array, count: number, size = 64): Promise<ModelOutputs> {
  const results = await session.run({ [IMAGE_INPUT]: new ort.Tensor('float32', images, [count, 3, size, size]) });
  const labels = results.box_labels!;
  expect(labels.type).toBe('int64');
  return {
    count,
    classScores: results.class_scores!.data as Float32Array,
    boxes: results.boxes!.data as Float32Array,
    boxScores: results.box_scores!.data as Float32Array,
    boxLabels: Int32Array.from(labels.data as BigInt64Array, Number),
  };
}

/** The largest absolute difference between two equally long arrays. */
export function maxDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

/** A copy of a serialised model that also outputs the named internal float tensors. */
export function exposeOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const proto = onnx.ModelProto.decode(model);
  for (const name of names) {
    (proto.graph!.output ??= []).push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return onnx.ModelProto.encode(proto).finish();
}
