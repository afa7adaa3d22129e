import { INPUT_CHANNELS, KERNEL_SIZE, type ExtractorWeights } from './feature-extractor.js';
import type { GraphBuilder, ValueSpec } from './graph-builder.js';
import { ElementType } from './onnx-proto.js';

/** Name of the model input: float32 [N, 3, S, S], already normalised. */
export const IMAGE_INPUT = 'image';

/** Names of the extractor's outputs inside every cairn graph. */
export const FEATURE_NAMES = {
  /** float32 [N, F]: global average then global max of each globally pooled map (F = 256 built in). */
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

/**
 * Adds the fixed convolutional trunk reading `IMAGE_INPUT`; its outputs are `FEATURE_NAMES.image` and
 * `FEATURE_NAMES.grid`.
 */
export function addExtractorNodes(graph: GraphBuilder, weights: ExtractorWeights): void {
  // The colour spread, [N, 1, S, S]: opset 17 still takes ReduceMax/ReduceMin axes as an attribute.
  const channelMax = graph.node('ReduceMax', [IMAGE_INPUT], 'channel_max', { axes: [1], keepdims: 1 });
  const channelMin = graph.node('ReduceMin', [IMAGE_INPUT], 'channel_min', { axes: [1], keepdims: 1 });
  let current = graph.node('Sub', [channelMax, channelMin], 'colour_spread');
  const gridLayer = weights.layers.findLastIndex((layer) => layer.pooled);
  const pooled: string[] = [];
  weights.layers.forEach((layer, index) => {
    const n = index + 1;
    const weight = graph.floats(`conv${n}_weight`, [layer.outChannels, layer.inChannels, KERNEL_SIZE, KERNEL_SIZE], layer.weight);
    const conv = graph.node('Conv', [current, weight], `conv${n}`, {
      kernel_shape: [KERNEL_SIZE, KERNEL_SIZE],
      pads: [1, 1, 1, 1],
    });
    current = graph.node('Relu', [conv], `relu${n}`);
    if (layer.globalPooled) {
      pooled.push(graph.node('GlobalAveragePool', [current], `average${n}`), graph.node('GlobalMaxPool', [current], `max${n}`));
    }
    if (layer.pooled) current = graph.node('MaxPool', [current], index === gridLayer ? FEATURE_NAMES.grid : `pool${n}`, POOL_2X2);
  });
  const image = graph.node('Concat', pooled, 'feature_pooled', { axis: 1 });
  graph.node('Flatten', [image], FEATURE_NAMES.image, { axis: 1 });
}

/** Adds the grid map as one row per cell, `FEATURE_NAMES.cells`: what the trainer reads. */
export function addCellRowNodes(graph: GraphBuilder, weights: ExtractorWeights): void {
  const channelsLast = graph.node('Transpose', [FEATURE_NAMES.grid], 'grid_nhwc', { perm: [0, 2, 3, 1] });
  // Reshape's 0 copies the batch dimension, so the graph accepts any N.
  const shape = graph.ints('cell_features_shape', [3], [0, weights.gridSize ** 2, weights.cellFeatureSize]);
  graph.node('Reshape', [channelsLast, shape], FEATURE_NAMES.cells);
}
