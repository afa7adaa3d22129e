import sharp from 'sharp';
import { GraphBuilder, encodeModel, type ValueSpec } from '../../src/model/graph-builder.js';
import { MODEL_FORMAT_VERSION, buildMetadataEntries, type ModelMetadata } from '../../src/model/model-metadata.js';
import { ElementType } from '../../src/model/onnx-proto.js';

/** A fixed box row of the contract model: region class index (−1 for padding), score, 0–1 box. */
export interface FixedBox {
  label: number;
  score: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ContractModelOptions {
  classes?: readonly string[];
  regionClasses?: readonly string[];
  /** Input side in pixels (default 16). */
  size?: number;
  /** Class k's logit is `sharpness` × the mean of channel k mod 3 (0–1): large values make the model overconfident. */
  sharpness?: number;
  /** The rows of `boxes`/`box_scores`/`box_labels`, the same for every image. */
  boxes?: readonly FixedBox[];
  /** Leave this output out of the graph. */
  omit?: string;
  /** Override metadata values (the graph is built from the unmodified ones). */
  metadata?: Partial<ModelMetadata>;
}

/**
 * A tiny model that keeps cairn's model contract with a graph built by the project's own ONNX builder,
 * independent of the built-in architecture: `class_scores` is a softmax over the channel means (so a red
 * image is class 0, green class 1, blue class 2), and the box outputs are fixed rows broadcast to the
 * batch. Its input is the pixels in 0–1 (mean 0, std 1).
 */
export function buildContractModel(options: ContractModelOptions = {}): Uint8Array {
  const classes = options.classes ?? ['red', 'green', 'blue'];
  const regionClasses = options.regionClasses ?? ['dot', 'bar'];
  const size = options.size ?? 16;
  const rows = options.boxes ?? [
    { label: 1, score: 0.9, x: 0.25, y: 0.5, width: 0.5, height: 0.25 },
    { label: 0, score: 0.4, x: 0, y: 0, width: 0.125, height: 1 },
    { label: -1, score: 0, x: 0, y: 0, width: 0, height: 0 },
  ];
  const sharpness = options.sharpness ?? 8;
  const C = classes.length;
  const K = rows.length;
  const graph = new GraphBuilder();

  const means = graph.node('GlobalAveragePool', ['image'], 'channel_means_4d');
  const flat = graph.node('Flatten', [means], 'channel_means', { axis: 1 });
  const weight = new Float32Array(3 * C);
  for (let k = 0; k < C; k++) weight[(k % 3) * C + k] = sharpness;
  const logits = graph.node('MatMul', [flat, graph.floats('class_weight', [3, C], weight)], 'class_logits');
  graph.node('Softmax', [logits], 'class_scores', { axis: -1 });

  // A zero per image, [N, 1, 1]: broadcasting the fixed rows onto it gives them the batch dimension.
  const zero3 = graph.node('Mul', [graph.node('Unsqueeze', [flat, graph.ints('axis_2', [1], [2])], 'means_column'), graph.floats('nothing', [], [0])], 'zeros_n31');
  const zero = graph.node('ReduceMax', [zero3], 'zeros_n11', { axes: [1], keepdims: 1 });
  const zero2 = graph.node('Squeeze', [zero, graph.ints('axis_2b', [1], [2])], 'zeros_n1');
  graph.node('Add', [zero, graph.floats('fixed_boxes', [K, 4], rows.flatMap((r) => [r.x, r.y, r.width, r.height]))], 'boxes');
  graph.node('Add', [zero2, graph.floats('fixed_scores', [K], rows.map((r) => r.score))], 'box_scores');
  const zeroInts = graph.node('Cast', [zero2], 'zeros_n1_int', { to: ElementType.int64 });
  graph.node('Add', [zeroInts, graph.ints('fixed_labels', [K], rows.map((r) => r.label))], 'box_labels');

  const outputs: ValueSpec[] = [
    { name: 'class_scores', type: ElementType.float, dims: ['N', C] },
    { name: 'boxes', type: ElementType.float, dims: ['N', K, 4] },
    { name: 'box_scores', type: ElementType.float, dims: ['N', K] },
    { name: 'box_labels', type: ElementType.int64, dims: ['N', K] },
  ].filter((output) => output.name !== options.omit);
  const proto = graph.buildGraph('contract-test', [{ name: 'image', type: ElementType.float, dims: ['N', 3, size, size] }], outputs);
  const metadata: ModelMetadata = {
    formatVersion: MODEL_FORMAT_VERSION,
    inputWidth: size,
    inputHeight: size,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    classes,
    regionClasses,
    grid: 1,
    maxBoxes: K,
    ...options.metadata,
  };
  return encodeModel(proto, buildMetadataEntries(metadata));
}

/** A PNG of one colour (0–255 RGB), `width` × `height`. */
export function solidPng(rgb: readonly [number, number, number], width = 24, height = 24): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}
