/**
 * The trained heads. The grid head is a 3×3 convolution on the grid map, so each cell's outputs read its
 * neighbours too: a cell cannot tell that it holds an object's centre, nor how far the object reaches,
 * from its own 22 px receptive field. Its box parametrisation, per cell (column cx, row cy) of a G×G grid,
 * from its outputs tx, ty, tw, th:
 *
 *   centre = ((cx + sigmoid(tx)) / G, (cy + sigmoid(ty)) / G)      inside the cell, always
 *   size   = (sigmoid(tw), sigmoid(th))                            a fraction of the image, in (0, 1)
 *   box    = the centre ± size/2, clipped to [0, 1], as (x, y, width, height)
 *
 * Sigmoids keep every decoded box inside the image without exp overflow, and a cell owns the objects
 * whose centre falls in it, as in YOLO. A cell's score is objectness × its best region class probability,
 * and its label that class.
 */
import { FEATURE_NAMES } from './extractor-graph.js';
import type { GraphBuilder } from './graph-builder.js';
import { HEAD_WINDOW } from './cell-neighbourhood.js';
import { gridHeadChannels, type DenseWeights, type ModelSpec } from './model-spec.js';

/** Names of the per-cell values the heads produce, for the postprocessing. */
export interface CellOutputs {
  /** float32 [N, G·G, 1]: objectness × best region class probability. */
  scores: string;
  /** int64 [N, G·G]: best region class. */
  labels: string;
  /** float32 [N, G·G, 4]: x, y, width, height in 0–1. */
  boxes: string;
  /** float32 [N, G·G, 4]: x1, y1, x2, y2 in 0–1, for IoU. */
  corners: string;
}

/** Name of the image class output: float32 [N, C], softmax probabilities. */
export const CLASS_SCORES = 'class_scores';

/** Adds the softmax class head on the image features; its output is `CLASS_SCORES`. */
export function addClassHead(graph: GraphBuilder, spec: ModelSpec, head: DenseWeights, imageFeatureSize: number): void {
  const classes = spec.classes.length;
  const weight = graph.floats('class_head_weight', [imageFeatureSize, classes], head.weight);
  const bias = graph.floats('class_head_bias', [classes], head.bias);
  const logits = graph.node('Gemm', [FEATURE_NAMES.image, weight, bias], 'class_logits');
  graph.node('Softmax', [logits], CLASS_SCORES, { axis: -1 });
}

// The (column, row) of every cell in cell-index order: the constant the box decoder adds.
function cellOrigins(gridSize: number): Float32Array {
  const origins = new Float32Array(gridSize * gridSize * 2);
  for (let cell = 0; cell < gridSize * gridSize; cell++) {
    origins[cell * 2] = cell % gridSize;
    origins[cell * 2 + 1] = Math.floor(cell / gridSize);
  }
  return origins;
}

/**
 * The grid head's weight in ONNX Conv layout [outputs, D, 3, 3], from the spec's dense layout
 * [(window row, window column, channel) × outputs] (see `readCellNeighbourhood`).
 */
function convolutionWeight(dense: Float32Array, channels: number, outputs: number): Float32Array {
  const window = HEAD_WINDOW * HEAD_WINDOW;
  const weight = new Float32Array(dense.length);
  for (let o = 0; o < outputs; o++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < window; k++) weight[(o * channels + c) * window + k] = dense[(k * channels + c) * outputs + o]!;
    }
  }
  return weight;
}

/** Adds the grid head, a 3×3 convolution on `FEATURE_NAMES.grid` with one row of outputs per cell, and decodes its boxes. */
export function addGridHead(graph: GraphBuilder, spec: ModelSpec, head: DenseWeights, cellFeatureSize: number, gridSize: number): CellOutputs {
  const regions = spec.regionClasses.length;
  const channels = gridHeadChannels(regions);
  const cells = gridSize * gridSize;
  const weight = graph.floats('grid_head_weight', [channels, cellFeatureSize, HEAD_WINDOW, HEAD_WINDOW], convolutionWeight(head.weight, cellFeatureSize, channels));
  const bias = graph.floats('grid_head_bias', [channels], head.bias);
  const conv = graph.node('Conv', [FEATURE_NAMES.grid, weight, bias], 'grid_head_map', { kernel_shape: [HEAD_WINDOW, HEAD_WINDOW], pads: [1, 1, 1, 1] });
  const channelsLast = graph.node('Transpose', [conv], 'grid_head_nhwc', { perm: [0, 2, 3, 1] });
  // Reshape's 0 copies the batch dimension, so the graph accepts any N.
  const shape = graph.ints('grid_head_shape', [3], [0, cells, channels]);
  const raw = graph.node('Reshape', [channelsLast, shape], 'grid_head_output');
  const split = graph.ints('grid_head_split', [4], [1, regions, 2, 2]);
  const [objectLogit, classLogits, offsetLogits, sizeLogits] = [
    'objectness_logit',
    'region_logits',
    'offset_logits',
    'size_logits',
  ] as const;
  graph.node('Split', [raw, split], [objectLogit, classLogits, offsetLogits, sizeLogits], { axis: 2 });

  const objectness = graph.node('Sigmoid', [objectLogit], 'objectness');
  const probabilities = graph.node('Softmax', [classLogits], 'region_probabilities', { axis: -1 });
  const best = graph.node('ReduceMax', [probabilities], 'region_best', { axes: [2], keepdims: 1 });
  const scores = graph.node('Mul', [objectness, best], 'cell_scores');
  const labels = graph.node('ArgMax', [classLogits], 'cell_labels', { axis: 2, keepdims: 0 });

  const origins = graph.floats('cell_origins', [cells, 2], cellOrigins(gridSize));
  const gridSide = graph.floats('grid_side', [], [gridSize]);
  const half = graph.floats('one_half', [], [0.5]);
  const zero = graph.floats('zero', [], [0]);
  const one = graph.floats('one', [], [1]);
  const inCell = graph.node('Sigmoid', [offsetLogits], 'offsets');
  const shifted = graph.node('Add', [inCell, origins], 'centres_in_cells');
  const centres = graph.node('Div', [shifted, gridSide], 'centres');
  const sizes = graph.node('Sigmoid', [sizeLogits], 'sizes');
  const halfSizes = graph.node('Mul', [sizes, half], 'half_sizes');
  const low = graph.node('Clip', [graph.node('Sub', [centres, halfSizes], 'low_unclipped'), zero, one], 'low');
  const high = graph.node('Clip', [graph.node('Add', [centres, halfSizes], 'high_unclipped'), zero, one], 'high');
  const extent = graph.node('Sub', [high, low], 'extent');
  const boxes = graph.node('Concat', [low, extent], 'cell_boxes', { axis: 2 });
  const corners = graph.node('Concat', [low, high], 'cell_corners', { axis: 2 });
  return { scores, labels, boxes, corners };
}
