import { INPUT_CHANNELS, KERNEL_SIZE, LUMINANCE_EPSILON, gridLayerIndex, regionOf, type ExtractorWeights, type InputNormalisation, type Tower, type TowerInput } from './feature-extractor.js';
import type { GraphBuilder, ValueSpec } from './graph-builder.js';
import { ElementType } from './onnx-proto.js';

/** Name of the model input: float32 [N, 3, S, S], already normalised. */
export const IMAGE_INPUT = 'image';

/** Names of the extractor's outputs inside every cairn graph. */
export const FEATURE_NAMES = {
  /** float32 [N, F]: global average then global max of each globally pooled map (F = 2,816 built in). */
  image: 'image_features',
  /** float32 [N, D, G, G]: the grid map, which the grid head convolves. */
  grid: 'grid_features',
  /** float32 [N, G·G, D]: the grid map one row per cell, cell index = row·G + column (extractor graph only). */
  cells: 'cell_features',
} as const;

/** The value spec of the image input; the batch dimension is symbolic. */
export function imageInputSpec(inputSize: number): ValueSpec {
  return { name: IMAGE_INPUT, type: ElementType.float, dims: ['N', INPUT_CHANNELS, inputSize, inputSize] };
}

/** The value specs of the extractor graph's outputs: image features and cell rows. */
export function featureOutputSpecs(weights: ExtractorWeights): ValueSpec[] {
  const cells = weights.gridSize ** 2;
  return [
    { name: FEATURE_NAMES.image, type: ElementType.float, dims: ['N', weights.imageFeatureSize] },
    { name: FEATURE_NAMES.cells, type: ElementType.float, dims: ['N', cells, weights.cellFeatureSize] },
  ];
}

const POOL_2X2 = { kernel_shape: [2, 2], strides: [2, 2] };

/** The averaging matrix [side², R²] that maps a flattened side×side map onto its R×R regional means. */
function regionAverager(side: number, regions: number): Float32Array {
  const cells = regions * regions;
  const counts = new Array<number>(cells).fill(0);
  for (let p = 0; p < side * side; p++) counts[regionOf(p, side, regions)]!++;
  const matrix = new Float32Array(side * side * cells);
  for (let p = 0; p < side * side; p++) {
    const region = regionOf(p, side, regions);
    matrix[p * cells + region] = 1 / counts[region]!;
  }
  return matrix;
}

/**
 * The two front-end maps, [N, 1, S, S] each, on the pixels in 0–1 (the input normalisation undone):
 * luminance standardised per image, and the colour spread.
 */
function addFrontEnd(graph: GraphBuilder, normalisation: InputNormalisation): Record<TowerInput, string> {
  const std = graph.floats('input_std', [1, INPUT_CHANNELS, 1, 1], normalisation.std);
  const mean = graph.floats('input_mean', [1, INPUT_CHANNELS, 1, 1], normalisation.mean);
  const pixels = graph.node('Add', [graph.node('Mul', [IMAGE_INPUT, std], 'input_scaled'), mean], 'pixels');
  const luminance = graph.node('ReduceMean', [pixels], 'luminance', { axes: [1], keepdims: 1 });
  const scale = graph.floats('luminance_scale', [1], [1]);
  const shift = graph.floats('luminance_shift', [1], [0]);
  const standardised = graph.node('InstanceNormalization', [luminance, scale, shift], 'luminance_standardised', { epsilon: { float: LUMINANCE_EPSILON } });
  // Opset 17 still takes ReduceMax/ReduceMin axes as an attribute.
  const channelMax = graph.node('ReduceMax', [pixels], 'channel_max', { axes: [1], keepdims: 1 });
  const channelMin = graph.node('ReduceMin', [pixels], 'channel_min', { axes: [1], keepdims: 1 });
  const spread = graph.node('Sub', [channelMax, channelMin], 'colour_spread');
  return { 'colour-spread': spread, luminance: standardised };
}

const TOWER_PREFIX: Record<TowerInput, string> = { 'colour-spread': 'colour_', luminance: 'luminance_' };

/** Adds one tower; pushes its image features onto `pooled` and returns the name of its grid map. */
function addTower(graph: GraphBuilder, tower: Tower, input: string, inputSize: number, pooled: string[]): string {
  const prefix = TOWER_PREFIX[tower.input];
  const gridLayer = gridLayerIndex(tower);
  let current = input;
  let side = inputSize;
  let grid = '';
  tower.layers.forEach((layer, index) => {
    const name = `${prefix}${index + 1}`;
    const weight = graph.floats(`${name}_weight`, [layer.outChannels, layer.inChannels, KERNEL_SIZE, KERNEL_SIZE], layer.weight);
    const conv = graph.node('Conv', [current, weight], `${name}_conv`, { kernel_shape: [KERNEL_SIZE, KERNEL_SIZE], pads: [1, 1, 1, 1] });
    current = graph.node('Relu', [conv], `${name}_relu`);
    if (layer.globalPooled) {
      for (const [op, pool] of [['GlobalAveragePool', `${name}_average`], ['GlobalMaxPool', `${name}_max`]] as const) {
        pooled.push(graph.node('Flatten', [graph.node(op, [current], pool)], `${pool}_flat`, { axis: 1 }));
      }
    }
    if (layer.regions > 0) {
      const shape = graph.ints(`${name}_rows_shape`, [3], [0, layer.outChannels, side * side]);
      const rows = graph.node('Reshape', [current, shape], `${name}_rows`);
      const averager = graph.floats(`${name}_region_averager`, [side * side, layer.regions ** 2], regionAverager(side, layer.regions));
      pooled.push(graph.node('Flatten', [graph.node('MatMul', [rows, averager], `${name}_regions`)], `${name}_regions_flat`, { axis: 1 }));
    }
    if (layer.pooled) {
      current = graph.node('MaxPool', [current], `${name}_pool`, POOL_2X2);
      side /= 2;
      if (index === gridLayer) grid = current;
    }
  });
  return grid;
}

/**
 * Adds the fixed convolutional towers reading `IMAGE_INPUT`; their outputs are `FEATURE_NAMES.image`
 * and `FEATURE_NAMES.grid`.
 */
export function addExtractorNodes(graph: GraphBuilder, weights: ExtractorWeights, normalisation: InputNormalisation): void {
  const front = addFrontEnd(graph, normalisation);
  const pooled: string[] = [];
  const grids = weights.towers.map((tower) => addTower(graph, tower, front[tower.input], weights.spec.inputSize, pooled));
  graph.node('Concat', grids, FEATURE_NAMES.grid, { axis: 1 });
  graph.node('Concat', pooled, FEATURE_NAMES.image, { axis: 1 });
}

/** Adds the grid map as one row per cell, `FEATURE_NAMES.cells`: what the trainer reads. */
export function addCellRowNodes(graph: GraphBuilder, weights: ExtractorWeights): void {
  const channelsLast = graph.node('Transpose', [FEATURE_NAMES.grid], 'grid_nhwc', { perm: [0, 2, 3, 1] });
  // Reshape's 0 copies the batch dimension, so the graph accepts any N.
  const shape = graph.ints('cell_features_shape', [3], [0, weights.gridSize ** 2, weights.cellFeatureSize]);
  graph.node('Reshape', [channelsLast, shape], FEATURE_NAMES.cells);
}
