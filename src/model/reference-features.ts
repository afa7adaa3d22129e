/**
 * The extractor's forward pass in plain TypeScript (float64 arithmetic): the specification the ONNX
 * graph is tested against, and a way to compute features where onnxruntime is unavailable. It is about
 * two orders of magnitude slower than onnxruntime; use `loadFeatureExtractor` for training.
 */
import { INPUT_CHANNELS, KERNEL_SIZE, LUMINANCE_EPSILON, assertImageBatch, gridLayerIndex, imageFeaturesOf, regionOf, type ConvLayer, type ExtractorWeights, type InputNormalisation, type TowerInput } from './feature-extractor.js';

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

/**
 * The front end of one normalised [3, S, S] image, on its pixels in 0–1 (x · std + mean): the luminance
 * (mean of the channels) standardised by its own mean and variance, and per pixel max − min over the channels.
 */
function frontEnd(image: Float32Array, size: number, { mean: m, std: s }: InputNormalisation): Record<TowerInput, Float64Array> {
  const plane = size * size;
  const luminance = new Float64Array(plane);
  const spread = new Float64Array(plane);
  // In float32 steps, as onnxruntime computes them, so that the spread of a grey pixel is exactly 0 in both.
  const pixel = (c: number, p: number): number => Math.fround(Math.fround(image[c * plane + p]! * Math.fround(s[c]!)) + Math.fround(m[c]!));
  let sum = 0;
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [pixel(0, p), pixel(1, p), pixel(2, p)];
    luminance[p] = (r + g + b) / 3;
    sum += luminance[p]!;
    // Subtracted in float32, as onnxruntime does, so that the two agree to the last bit here.
    spread[p] = Math.fround(Math.max(r, g, b) - Math.min(r, g, b));
  }
  const mean = sum / plane;
  let squares = 0;
  for (let p = 0; p < plane; p++) squares += (luminance[p]! - mean) ** 2;
  const deviation = Math.sqrt(squares / plane + LUMINANCE_EPSILON);
  for (let p = 0; p < plane; p++) luminance[p] = (luminance[p]! - mean) / deviation;
  return { 'colour-spread': spread, luminance };
}

/**
 * Computes the extractor's features for `count` images normalised with `normalisation`, laid out as [count, 3, S, S].
 * Same outputs as the ONNX extractor, within float32 rounding.
 */
export function computeReferenceFeatures(weights: ExtractorWeights, normalisation: InputNormalisation, images: Float32Array, count: number): FeatureBatch {
  const size = weights.spec.inputSize;
  const imageLength = INPUT_CHANNELS * size * size;
  assertImageBatch(images, count, size);
  const { gridSize, imageFeatureSize, cellFeatureSize: channels } = weights;
  const cells = gridSize * gridSize;
  const imageFeatures = new Float32Array(count * imageFeatureSize);
  const cellFeatures = new Float32Array(count * cells * channels);
  for (let n = 0; n < count; n++) {
    const front = frontEnd(images.subarray(n * imageLength, (n + 1) * imageLength), size, normalisation);
    let imageAt = n * imageFeatureSize;
    let channelAt = 0;
    for (const tower of weights.towers) {
      let map = front[tower.input];
      let side = size;
      const gridLayer = gridLayerIndex(tower);
      tower.layers.forEach((layer, index) => {
        map = convolveRelu(map, side, layer);
        const into = imageFeatures.subarray(imageAt, imageAt + imageFeaturesOf(layer));
        if (layer.globalPooled) writeGlobalPools(map, layer.outChannels, side, into);
        if (layer.regions > 0) writeRegionAverages(map, layer.outChannels, side, layer.regions, into.subarray(layer.globalPooled ? 2 * layer.outChannels : 0));
        imageAt += imageFeaturesOf(layer);
        if (layer.pooled) {
          map = maxPool2(map, layer.outChannels, side);
          side /= 2;
        }
        if (index === gridLayer) {
          for (let cell = 0; cell < cells; cell++) {
            for (let c = 0; c < layer.outChannels; c++) cellFeatures[(n * cells + cell) * channels + channelAt + c] = map[c * cells + cell]!;
          }
          channelAt += layer.outChannels;
        }
      });
    }
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

/** Each channel's averages over R×R regions (`regionOf`), channel-major then region, into `into`. */
function writeRegionAverages(map: Float64Array, channels: number, side: number, regions: number, into: Float32Array): void {
  const plane = side * side;
  const cells = regions * regions;
  const counts = new Float64Array(cells);
  for (let p = 0; p < plane; p++) counts[regionOf(p, side, regions)]!++;
  for (let c = 0; c < channels; c++) {
    const sums = new Float64Array(cells);
    for (let p = 0; p < plane; p++) sums[regionOf(p, side, regions)]! += map[c * plane + p]!;
    for (let r = 0; r < cells; r++) into[c * cells + r] = counts[r]! > 0 ? sums[r]! / counts[r]! : 0;
  }
}
