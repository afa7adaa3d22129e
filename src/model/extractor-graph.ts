import { INPUT_CHANNELS, KERNEL_SIZE, type ExtractorWeights } from './feature-extractor.js';
import type { GraphBuilder, ValueSpec } from './graph-builder.js';
import { ElementType } from './onnx-proto.js';

/** Name of the model input: float32 [N, 3, S, S], already normalised. */
export const IMAGE_INPUT = 'image';

/** Names of the extractor's two outputs inside every cairn graph. */
export const FEATURE_NAMES = {
  /** float32 [N, 128]: global average then global max of the last feature map. */
  image: 'image_features',
  /** float32 [N, G·G, 64]: one row per grid cell, cell index = row·G + column. */
  cells: 'cell_features',
} as const;

/** The value spec of the image input; the batch dimension is symbolic. */
export function imageInputSpec(inputSize: number): ValueSpec {
  return { name: IMAGE_INPUT, type: ElementType.float, dims: ['N', INPUT_CHANNELS, inputSize, inputSize] };
}

/** The value specs of the extractor's outputs. */
export function featureOutputSpecs(weights: ExtractorWeights): ValueSpec[] {
  const cells = weights.gridSize ** 2;
  return [
    { name: FEATURE_NAMES.image, type: ElementType.float, dims: ['N', weights.imageFeatureSize] },
    { name: FEATURE_NAMES.cells, type: ElementType.float, dims: ['N', cells, weights.cellFeatureSize] },
  ];
}

const POOL_2X2 = { kernel_shape: [2, 2], strides: [2, 2] };

/** Adds the fixed convolutional trunk reading `IMAGE_INPUT`; its outputs are named by `FEATURE_NAMES`. */
export function addExtractorNodes(graph: GraphBuilder, weights: ExtractorWeights): void {
  let current = IMAGE_INPUT;
  weights.layers.forEach((layer, index) => {
    const n = index + 1;
    const weight = graph.floats(`conv${n}_weight`, [layer.outChannels, layer.inChannels, KERNEL_SIZE, KERNEL_SIZE], layer.weight);
    const conv = graph.node('Conv', [current, weight], `conv${n}`, {
      kernel_shape: [KERNEL_SIZE, KERNEL_SIZE],
      pads: [1, 1, 1, 1],
    });
    current = graph.node('Relu', [conv], `relu${n}`);
    if (layer.pooled) current = graph.node('MaxPool', [current], `pool${n}`, POOL_2X2);
  });

  const average = graph.node('GlobalAveragePool', [current], 'feature_average');
  const maximum = graph.node('GlobalMaxPool', [current], 'feature_max');
  const pooled = graph.node('Concat', [average, maximum], 'feature_pooled', { axis: 1 });
  graph.node('Flatten', [pooled], FEATURE_NAMES.image, { axis: 1 });

  const grid = graph.node('MaxPool', [current], 'grid_pool', POOL_2X2);
  const channelsLast = graph.node('Transpose', [grid], 'grid_nhwc', { perm: [0, 2, 3, 1] });
  // Reshape's 0 copies the batch dimension, so the graph accepts any N.
  const shape = graph.ints('cell_features_shape', [3], [0, weights.gridSize ** 2, weights.cellFeatureSize]);
  graph.node('Reshape', [channelsLast, shape], FEATURE_NAMES.cells);
}
