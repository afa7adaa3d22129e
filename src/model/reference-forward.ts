/**
 * The full model's forward pass in plain TypeScript, mirroring `buildModelGraph` node for node: the
 * specification its ONNX graph is tested against, and what a trainer can use to score heads on features
 * it already has (`computeReferenceHeads`) without building a model.
 */
import { gridHeadInputs, readCellNeighbourhood } from './cell-neighbourhood.js';
import { buildExtractorWeights, gridSizeFor } from './feature-extractor.js';
import { assertModelSpec, gridHeadChannels, type ModelSpec } from './model-spec.js';
import { computeReferenceFeatures, type FeatureBatch } from './reference-features.js';
import { selectBoxes, type CellPredictions } from './reference-nms.js';

/** The model's outputs for a batch, flat and row-major, like onnxruntime returns them. */
export interface ModelOutputs {
  count: number;
  /** [N × C] softmax probabilities; empty without classes. The box arrays are empty without region classes. */
  classScores: Float32Array;
  /** [N × K × 4] x, y, width, height in 0–1. */
  boxes: Float32Array;
  /** [N × K]. */
  boxScores: Float32Array;
  /** [N × K]; -1 in padding rows. */
  boxLabels: Int32Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clip01 = (x: number): number => Math.min(1, Math.max(0, x));

function softmaxInPlace(values: Float64Array): void {
  const max = Math.max(...values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] = Math.exp(values[i]! - max);
  for (let i = 0; i < values.length; i++) values[i]! /= sum;
}

/** Row `row` of `features` times a dense layer: bias + features·weight. */
function dense(features: ArrayLike<number>, row: number, inputs: number, weight: Float32Array, bias: Float32Array): Float64Array {
  const outputs = bias.length;
  const result = Float64Array.from(bias);
  for (let i = 0; i < inputs; i++) {
    const x = features[row * inputs + i]!;
    if (x === 0) continue;
    for (let j = 0; j < outputs; j++) result[j]! += x * weight[i * outputs + j]!;
  }
  return result;
}

/** Decodes one image's grid head into per-cell scores, labels and boxes (see `heads-graph.ts`). */
export function decodeGridCells(spec: ModelSpec, features: FeatureBatch, image: number): CellPredictions {
  const regions = spec.regionClasses.length;
  const gridSize = gridSizeFor(spec.extractor.inputSize);
  const cells = gridSize * gridSize;
  const gridHead = spec.gridHead;
  if (!gridHead) throw new Error('decodeGridCells: the spec has no grid head');
  const channels = gridHead.weight.length / gridHeadChannels(regions) / gridHeadInputs(1);
  const window = new Float64Array(gridHeadInputs(channels));
  const scores = new Float64Array(cells);
  const labels = new Int32Array(cells);
  const boxes = new Float64Array(cells * 4);
  for (let cell = 0; cell < cells; cell++) {
    readCellNeighbourhood(features.cellFeatures, gridSize, channels, image * cells + cell, window);
    const out = dense(window, 0, window.length, gridHead.weight, gridHead.bias);
    const logits = out.slice(1, 1 + regions);
    let label = 0;
    for (let r = 1; r < regions; r++) if (logits[r]! > logits[label]!) label = r;
    softmaxInPlace(logits);
    scores[cell] = sigmoid(out[0]!) * Math.max(...logits);
    labels[cell] = label;
    const centreX = (cell % gridSize + sigmoid(out[1 + regions]!)) / gridSize;
    const centreY = (Math.floor(cell / gridSize) + sigmoid(out[2 + regions]!)) / gridSize;
    const halfWidth = sigmoid(out[3 + regions]!) * 0.5;
    const halfHeight = sigmoid(out[4 + regions]!) * 0.5;
    const [x1, y1] = [clip01(centreX - halfWidth), clip01(centreY - halfHeight)];
    const [x2, y2] = [clip01(centreX + halfWidth), clip01(centreY + halfHeight)];
    boxes.set([x1, y1, x2 - x1, y2 - y1], cell * 4);
  }
  return { scores, labels, boxes };
}

/** The model's outputs computed from features the extractor already produced. */
export function computeReferenceHeads(spec: ModelSpec, features: FeatureBatch): ModelOutputs {
  const { count } = features;
  const classes = spec.classes.length;
  const k = spec.postprocess.maxBoxes;
  const { classHead, gridHead } = spec;
  const outputs: ModelOutputs = {
    count,
    classScores: new Float32Array(count * classes),
    boxes: new Float32Array(gridHead ? count * k * 4 : 0),
    boxScores: new Float32Array(gridHead ? count * k : 0),
    boxLabels: new Int32Array(gridHead ? count * k : 0),
  };
  for (let n = 0; n < count; n++) {
    if (classHead) {
      const probabilities = dense(features.imageFeatures, n, classHead.weight.length / classes, classHead.weight, classHead.bias);
      softmaxInPlace(probabilities);
      outputs.classScores.set(probabilities, n * classes);
    }
    if (!gridHead) continue;
    const selected = selectBoxes(decodeGridCells(spec, features, n), spec.postprocess);
    outputs.boxes.set(selected.boxes, n * k * 4);
    outputs.boxScores.set(selected.scores, n * k);
    outputs.boxLabels.set(selected.labels, n * k);
  }
  return outputs;
}

/** The full forward pass for `count` normalised images [count, 3, S, S]. Throws `InputError` for a bad spec. */
export function computeReferenceForward(spec: ModelSpec, images: Float32Array, count: number): ModelOutputs & { features: FeatureBatch } {
  const weights = buildExtractorWeights(spec.extractor);
  assertModelSpec(spec, weights.imageFeatureSize, weights.cellFeatureSize);
  const features = computeReferenceFeatures(weights, spec, images, count);
  return { ...computeReferenceHeads(spec, features), features };
}
