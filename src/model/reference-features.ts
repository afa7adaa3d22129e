/**
 * The extractor's forward pass in plain TypeScript (float64 arithmetic): the specification the ONNX
 * graph is tested against, and a way to compute features where onnxruntime is unavailable. It is about
 * two orders of magnitude slower than onnxruntime; use `loadFeatureExtractor` for training.
 */
import { INPUT_CHANNELS, KERNEL_SIZE, assertImageBatch, type ConvLayer, type ExtractorWeights } from './feature-extractor.js';

/** Features of a batch of images, flat and row-major. */
export interface FeatureBatch {
  count: number;
  /** [count × imageFeatureSize]. */
  imageFeatures: Float32Array;
  /** [count × G·G × cellFeatureSize], cell index = row·G + column. */
  cellFeatures: Float32Array;
}

function convolveRelu(input: Float64Array, size: number, layer: ConvLayer): Float64Array {
  const { inChannels, outChannels, weight } = layer;
  const plane = size * size;
  const output = new Float64Array(outChannels * plane);
  const pad = (KERNEL_SIZE - 1) / 2;
  for (let o = 0; o < outChannels; o++) {
    const out = output.subarray(o * plane, (o + 1) * plane);
    for (let i = 0; i < inChannels; i++) {
      const source = input.subarray(i * plane, (i + 1) * plane);
      for (let ky = 0; ky < KERNEL_SIZE; ky++) {
        for (let kx = 0; kx < KERNEL_SIZE; kx++) {
          const w = weight[((o * inChannels + i) * KERNEL_SIZE + ky) * KERNEL_SIZE + kx]!;
          const dx = kx - pad;
          const xFrom = Math.max(0, -dx);
          const xTo = Math.min(size, size - dx);
          for (let y = 0; y < size; y++) {
            const sy = y + ky - pad;
            if (sy < 0 || sy >= size) continue;
            for (let x = xFrom; x < xTo; x++) out[y * size + x]! += w * source[sy * size + x + dx]!;
          }
        }
      }
    }
    for (let p = 0; p < plane; p++) if (out[p]! < 0) out[p] = 0;
  }
  return output;
}

function maxPool2(input: Float64Array, channels: number, size: number): Float64Array {
  const half = size / 2;
  const output = new Float64Array(channels * half * half);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const at = (dy: number, dx: number): number => input[(c * size + 2 * y + dy) * size + 2 * x + dx]!;
        output[(c * half + y) * half + x] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
    }
  }
  return output;
}

/** Per pixel max − min over the three channels of one [3, S, S] image: the map the first convolution reads. */
function colourSpread(image: Float32Array, size: number): Float64Array {
  const plane = size * size;
  const spread = new Float64Array(plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [image[p]!, image[plane + p]!, image[2 * plane + p]!];
    // Subtracted in float32, as onnxruntime does, so that the two agree to the last bit here.
    spread[p] = Math.fround(Math.max(r, g, b) - Math.min(r, g, b));
  }
  return spread;
}

/**
 * Computes the extractor's features for `count` normalised images laid out as [count, 3, S, S].
 * Same outputs as the ONNX extractor, within float32 rounding.
 */
export function computeReferenceFeatures(weights: ExtractorWeights, images: Float32Array, count: number): FeatureBatch {
  const size = weights.spec.inputSize;
  const imageLength = INPUT_CHANNELS * size * size;
  assertImageBatch(images, count, size);
  const { gridSize, imageFeatureSize, cellFeatureSize: channels } = weights;
  const cells = gridSize * gridSize;
  const imageFeatures = new Float32Array(count * imageFeatureSize);
  const cellFeatures = new Float32Array(count * cells * channels);
  const gridLayer = weights.layers.findLastIndex((layer) => layer.pooled);

  for (let n = 0; n < count; n++) {
    let map = colourSpread(images.subarray(n * imageLength, (n + 1) * imageLength), size);
    let side = size;
    let imageAt = n * imageFeatureSize;
    weights.layers.forEach((layer, index) => {
      map = convolveRelu(map, side, layer);
      if (layer.globalPooled) {
        writeGlobalPools(map, layer.outChannels, side, imageFeatures.subarray(imageAt, imageAt + 2 * layer.outChannels));
        imageAt += 2 * layer.outChannels;
      }
      if (layer.pooled) {
        map = maxPool2(map, layer.outChannels, side);
        side /= 2;
      }
      if (index === gridLayer) {
        for (let cell = 0; cell < cells; cell++) {
          for (let c = 0; c < channels; c++) cellFeatures[(n * cells + cell) * channels + c] = map[c * cells + cell]!;
        }
      }
    });
  }
  return { count, imageFeatures, cellFeatures };
}

/** Global average of each channel, then global max of each channel, into `into`. */
function writeGlobalPools(map: Float64Array, channels: number, side: number, into: Float32Array): void {
  const plane = side * side;
  for (let c = 0; c < channels; c++) {
    const values = map.subarray(c * plane, (c + 1) * plane);
    let sum = 0;
    let max = -Infinity;
    for (const value of values) {
      sum += value;
      if (value > max) max = value;
    }
    into[c] = sum / plane;
    into[channels + c] = max;
  }
}
