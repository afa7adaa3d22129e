/**
 * The fixed convolutional feature extractor of cairn's built-in model.
 *
 * Its filters are random and never trained. Random convolutions followed by ReLU and pooling are
 * already frequency- and position-selective, and spatial pooling makes them translation tolerant, so a
 * linear head on their outputs separates image classes well (Jarrett et al. 2009; Saxe et al. 2011,
 * "On random weights and unsupervised feature learning"), and training in TypeScript stays cheap: only
 * the heads learn, on features computed once per image.
 *
 * Two towers of 3×3 convolutions (ReLU, no bias, "same" padding), for an S×S×3 input (S a multiple of
 * 8, default 64), each on one map of the front end:
 *
 * The front end first undoes the input normalisation, so both maps are in pixel / 255 units and a grey
 * pixel has no colour spread whatever the per-channel means and deviations.
 *
 *   colour tower on the colour spread, max(R, G, B) − min(R, G, B) per pixel:
 *     1→16 + maxpool 2, 16→32 + maxpool 2, 32→64 (map A), maxpool 2 (grid map), 64→64 (map B)
 *     image features: global average and max of A and of B                                 → 256
 *   luminance tower on the luminance, standardised by the image's own mean and deviation:
 *     1→32 + maxpool 2, 32→64 (averaged over 4×4 regions) + maxpool 2, 64→64 (map A, global
 *     average and max, 4×4 regions), maxpool 2 (grid map), 64→64 (map B, global, 2×2 regions)  → 2,560
 *   cell features: the two grid maps side by side, one 128-vector per cell of the G×G grid (G = S/8)
 *
 * Separate towers, not one trunk on a 2-channel map: random filters mixing both maps let a striped or
 * noisy background in the luminance drown the saturation edges of coloured objects (demo macro F1 0.92
 * → 0.70, decision 0004), while separate towers leave the colour features as they were and let the
 * trained heads weigh the two. The luminance standardisation makes the paper's tone and contrast
 * irrelevant; its epsilon keeps a flat, noisy background from being blown up into strong edges. The
 * regional averages keep where a pattern lies (a collar at the top, a sole at the bottom), which global
 * pools discard; regions split a map by floor(y·R/side), so any side works.
 * A grid cell is 8 px and sees 22 px; the grid head reads a cell's 3×3 neighbourhood, 38 px.
 */
import { InputError } from '../errors.js';
import { assertSeed, createPrng } from './prng.js';

/** What determines the extractor's weights and shapes. */
export interface ExtractorSpec {
  /** Seed of the weight generator, an integer in [0, 2^32). */
  seed: number;
  /** Side of the square input image in pixels; a multiple of 8. */
  inputSize: number;
}

/** One 3×3 convolution, weights in ONNX layout [out, in, 3, 3]. */
export interface ConvLayer {
  inChannels: number;
  outChannels: number;
  weight: Float32Array;
  /** Whether a 2×2 max pool follows the ReLU; the last pooled map is the grid map. */
  pooled: boolean;
  /** Whether the global average and max of its ReLU output join the image features. */
  globalPooled: boolean;
  /** R: its ReLU output averaged over R×R regions joins the image features too (0: no regions). */
  regions: number;
}

/** The map of the front end a tower reads. */
export type TowerInput = 'colour-spread' | 'luminance';

/** One chain of convolutions on one front-end map. */
export interface Tower {
  input: TowerInput;
  layers: readonly ConvLayer[];
}

/** The generated weights and the shapes they imply. */
export interface ExtractorWeights {
  spec: ExtractorSpec;
  /** The colour tower, then the luminance tower: image features and cell features follow this order. */
  towers: readonly Tower[];
  /** Grid side G: the grid head sees G×G cells. */
  gridSize: number;
  /** Length of one image feature vector (global pools and regional averages of each tower's layers). */
  imageFeatureSize: number;
  /** Length of one cell feature vector (channels of the towers' grid maps). */
  cellFeatureSize: number;
}

/** The default input side in pixels. */
export const DEFAULT_INPUT_SIZE = 64;
/** Input channels: RGB. */
export const INPUT_CHANNELS = 3;
/**
 * Added to the luminance variance (pixel values in 0–1) before the division: a floor of about 6 grey
 * levels on its deviation, so that flat paper with faint noise is not blown up into strong edges.
 */
export const LUMINANCE_EPSILON = 5e-4;

/** The per-channel normalisation of the model's input, which the front end undoes: pixel / 255 = x · std + mean. */
export interface InputNormalisation {
  mean: readonly number[];
  std: readonly number[];
}
/** Kernel side of every convolution. */
export const KERNEL_SIZE = 3;
const TOWERS: ReadonlyArray<{ input: TowerInput; layers: ReadonlyArray<Omit<ConvLayer, 'inChannels' | 'weight'>> }> = [
  {
    input: 'colour-spread',
    layers: [
      { outChannels: 16, pooled: true, globalPooled: false, regions: 0 },
      { outChannels: 32, pooled: true, globalPooled: false, regions: 0 },
      { outChannels: 64, pooled: true, globalPooled: true, regions: 0 },
      { outChannels: 64, pooled: false, globalPooled: true, regions: 0 },
    ],
  },
  {
    input: 'luminance',
    layers: [
      { outChannels: 32, pooled: true, globalPooled: false, regions: 0 },
      { outChannels: 64, pooled: true, globalPooled: false, regions: 4 },
      { outChannels: 64, pooled: true, globalPooled: true, regions: 4 },
      { outChannels: 64, pooled: false, globalPooled: true, regions: 2 },
    ],
  },
];
/** Input side / grid side: the three pools of the trunk. */
export const GRID_STRIDE = 8;

/** Throws unless `spec` describes an extractor this build can generate. */
export function assertExtractorSpec(spec: ExtractorSpec): void {
  assertSeed(spec.seed);
  const { inputSize } = spec;
  if (!Number.isInteger(inputSize) || inputSize < GRID_STRIDE || inputSize % GRID_STRIDE !== 0) {
    throw new InputError(`input size must be a positive multiple of ${GRID_STRIDE}, got ${inputSize}`, {
      rule: 'input-size',
      inputSize,
    });
  }
}

/** Throws unless `images` holds `count` images of [3, S, S] values. */
export function assertImageBatch(images: Float32Array, count: number, inputSize: number): void {
  const imageLength = INPUT_CHANNELS * inputSize * inputSize;
  if (!Number.isInteger(count) || count < 0 || images.length !== count * imageLength) {
    throw new InputError(`expected ${count} images of 3×${inputSize}×${inputSize} values, got ${images.length} values`, {
      rule: 'image-batch-shape',
      count,
      inputSize,
      length: images.length,
    });
  }
}

/** The grid side G for a square input of `inputSize` pixels. */
export function gridSizeFor(inputSize: number): number {
  return inputSize / GRID_STRIDE;
}

/**
 * Generates the extractor's weights from its seed: He-uniform, bound sqrt(6 / fan_in), which keeps the
 * activation variance roughly constant through ReLU layers. Uniform rather than normal on purpose: it
 * needs only integer arithmetic and one correctly rounded sqrt per layer, so the weights, and therefore
 * the model bytes, are identical on every platform.
 */
export function buildExtractorWeights(spec: ExtractorSpec): ExtractorWeights {
  assertExtractorSpec(spec);
  // The colour tower draws first: its weights are those of the colour-only extractor before it.
  const prng = createPrng(spec.seed);
  const towers = TOWERS.map(({ input, layers }): Tower => {
    let inChannels = 1;
    return {
      input,
      layers: layers.map((shape): ConvLayer => {
        const fanIn = inChannels * KERNEL_SIZE * KERNEL_SIZE;
        const bound = Math.sqrt(6 / fanIn);
        const weight = new Float32Array(shape.outChannels * fanIn);
        for (let i = 0; i < weight.length; i++) weight[i] = prng.nextUniform(-bound, bound);
        const layer = { ...shape, inChannels, weight };
        inChannels = shape.outChannels;
        return layer;
      }),
    };
  });
  const layers = towers.flatMap((tower) => tower.layers);
  return {
    spec: { seed: spec.seed, inputSize: spec.inputSize },
    towers,
    gridSize: gridSizeFor(spec.inputSize),
    imageFeatureSize: layers.reduce((sum, layer) => sum + imageFeaturesOf(layer), 0),
    cellFeatureSize: towers.reduce((sum, tower) => sum + gridLayerOf(tower).outChannels, 0),
  };
}

/** The index of a tower's last pooled layer: its pooled output is the tower's grid map. */
export function gridLayerIndex(tower: Tower): number {
  return tower.layers.findLastIndex((layer) => layer.pooled);
}

function gridLayerOf(tower: Tower): ConvLayer {
  return tower.layers[gridLayerIndex(tower)]!;
}

/** Image features a layer contributes: global average and max, then its R×R regional averages. */
export function imageFeaturesOf(layer: Pick<ConvLayer, 'outChannels' | 'globalPooled' | 'regions'>): number {
  return layer.outChannels * ((layer.globalPooled ? 2 : 0) + layer.regions * layer.regions);
}

/**
 * The region each position of a side×side map falls in, for R×R regions: (floor(y·R/side), floor(x·R/side))
 * as one index, row-major. A map smaller than R leaves some regions empty; their average is 0.
 */
export function regionOf(position: number, side: number, regions: number): number {
  const y = Math.floor(position / side);
  const x = position % side;
  return Math.floor((y * regions) / side) * regions + Math.floor((x * regions) / side);
}
