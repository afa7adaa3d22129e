/**
 * Non-maximum suppression and fixed-size outputs, inside the graph so every runtime gets the same boxes.
 *
 * Each cell is one candidate (its best region class). NMS is per region class by default: before the
 * ONNX NonMaxSuppression op (which sees one class), boxes are shifted by 2 × label in both axes, so boxes
 * of different classes can never overlap (torchvision's `batched_nms` trick). The op keeps candidates
 * whose score is strictly above the threshold and drops a box whose IoU with a kept one exceeds the IoU
 * threshold, at most K per image. The survivors' scores are scattered into an [N, G·G] tensor of -1 and
 * TopK picks K per image, highest score first (ties: lower cell index first). Rows that TopK filled
 * from the -1 padding become score 0, label -1 and box (0, 0, 0, 0). This works for any batch size N.
 */
import type { GraphBuilder, ValueSpec } from './graph-builder.js';
import type { CellOutputs } from './heads-graph.js';
import type { BoxPostprocess } from './model-spec.js';
import { ElementType } from './onnx-proto.js';

/** Names of the box outputs. */
export const BOX_OUTPUTS = {
  /** float32 [N, K, 4]: x, y, width, height in 0–1; zeros in padding rows. */
  boxes: 'boxes',
  /** float32 [N, K]: highest first; 0 in padding rows. */
  scores: 'box_scores',
  /** int64 [N, K]: region class index; -1 in padding rows. */
  labels: 'box_labels',
} as const;

/** The value specs of the box outputs for K = `maxBoxes`. */
export function boxOutputSpecs(maxBoxes: number): ValueSpec[] {
  return [
    { name: BOX_OUTPUTS.boxes, type: ElementType.float, dims: ['N', maxBoxes, 4] },
    { name: BOX_OUTPUTS.scores, type: ElementType.float, dims: ['N', maxBoxes] },
    { name: BOX_OUTPUTS.labels, type: ElementType.int64, dims: ['N', maxBoxes] },
  ];
}

// Offset between region classes in the per-class trick: boxes live in [0, 1], so 2 keeps them apart.
const CLASS_OFFSET = 2;

/** Adds NMS and padding on the cells' values; the outputs are named by `BOX_OUTPUTS`. */
export function addBoxPostprocess(graph: GraphBuilder, cells: CellOutputs, postprocess: BoxPostprocess): void {
  const axis2 = graph.ints('axis_2', [1], [2]);
  const flatScores = graph.node('Squeeze', [cells.scores, axis2], 'cell_scores_flat');
  let nmsBoxes = cells.corners;
  if (!postprocess.classAgnostic) {
    const labelsFloat = graph.node('Cast', [cells.labels], 'cell_labels_float', { to: ElementType.float });
    const labels3 = graph.node('Unsqueeze', [labelsFloat, axis2], 'cell_labels_column');
    const offsetScale = graph.floats('class_offset', [], [CLASS_OFFSET]);
    const offsets = graph.node('Mul', [labels3, offsetScale], 'class_offsets');
    nmsBoxes = graph.node('Add', [cells.corners, offsets], 'nms_boxes');
  }
  const nmsScores = graph.node('Transpose', [cells.scores], 'nms_scores', { perm: [0, 2, 1] });
  const maxBoxes = graph.ints('max_boxes', [1], [postprocess.maxBoxes]);
  const iou = graph.floats('iou_threshold', [1], [postprocess.iouThreshold]);
  const minScore = graph.floats('score_threshold', [1], [postprocess.scoreThreshold]);
  // center_point_box 0 reads [y1, x1, y2, x2]; feeding [x1, y1, x2, y2] is equivalent since IoU is symmetric in the axes.
  const selected = graph.node('NonMaxSuppression', [nmsBoxes, nmsScores, maxBoxes, iou, minScore], 'nms_selected', {
    center_point_box: 0,
  });

  const batchAndCell = graph.ints('batch_and_cell_columns', [2], [0, 2]);
  const selectedCells = graph.node('Gather', [selected, batchAndCell], 'selected_cells', { axis: 1 });
  const selectedScores = graph.node('GatherND', [flatScores, selectedCells], 'selected_scores');
  const scoreShape = graph.node('Shape', [flatScores], 'cell_scores_shape');
  const unselected = graph.node('ConstantOfShape', [scoreShape], 'unselected_scores', { value: { fill: -1 } });
  const kept = graph.node('ScatterND', [unselected, selectedCells, selectedScores], 'kept_scores');
  const [topScores, topCells] = ['top_scores', 'top_cells'] as const;
  graph.node('TopK', [kept, maxBoxes], [topScores, topCells], { axis: 1, largest: 1, sorted: 1 });

  const zero = graph.floats('score_floor', [], [0]);
  const padding = graph.node('Less', [topScores, zero], 'padding_rows');
  const valid = graph.node('Not', [padding], 'valid_rows');
  graph.node('Relu', [topScores], BOX_OUTPUTS.scores);

  const topCells3 = graph.node('Unsqueeze', [topCells, axis2], 'top_cells_column');
  const topBoxes = graph.node('GatherND', [cells.boxes, topCells3], 'top_boxes', { batch_dims: 1 });
  const validFloat = graph.node('Cast', [valid], 'valid_rows_float', { to: ElementType.float });
  const validColumn = graph.node('Unsqueeze', [validFloat, axis2], 'valid_rows_column');
  graph.node('Mul', [topBoxes, validColumn], BOX_OUTPUTS.boxes);

  const topLabels = graph.node('GatherElements', [cells.labels, topCells], 'top_labels', { axis: 1 });
  const noLabel = graph.ints('no_label', [], [-1]);
  graph.node('Where', [valid, topLabels, noLabel], BOX_OUTPUTS.labels);
}
