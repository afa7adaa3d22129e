import { InputError } from '../errors.js';
import { gridHeadInputs } from './cell-neighbourhood.js';
import { INPUT_CHANNELS, assertExtractorSpec, gridSizeFor, type ExtractorSpec } from './feature-extractor.js';

/** A dense layer: `weight` is row-major [inputs × outputs], so output j = bias[j] + Σ_i x[i]·weight[i·outputs + j]. */
export interface DenseWeights {
  weight: Float32Array;
  bias: Float32Array;
}

/** How the boxes of the grid head are filtered into the model's outputs. */
export interface BoxPostprocess {
  /** A box is suppressed when its IoU with a kept, higher-scoring box exceeds this (0–1). */
  iouThreshold: number;
  /** A cell is a candidate only when its score (objectness × best region class probability) exceeds this. */
  scoreThreshold: number;
  /** K: the fixed number of box rows per image; unused rows are padded. At most G×G. */
  maxBoxes: number;
  /** When true, boxes of different region classes suppress each other; by default they do not. */
  classAgnostic?: boolean;
}

/** Everything `buildModelGraph` needs: the extractor, the normalisation, the names and the trained heads. */
export interface ModelSpec {
  extractor: ExtractorSpec;
  /** Per-channel (R, G, B) mean and std of pixel/255; the model's input is already normalised with them. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Image class names, in the order of `class_scores`; empty for a regions-only model. */
  classes: readonly string[];
  /** Region class names, in the order of `box_labels`; empty for a classification-only model. */
  regionClasses: readonly string[];
  /** Softmax head on the image feature: weight [F × C], bias [C]; null exactly when there are no classes. */
  classHead: DenseWeights | null;
  /**
   * Per-cell head on the grid map, a 3×3 convolution written as a dense layer on each cell's
   * neighbourhood (`readCellNeighbourhood`): weight [9·D × (1 + R + 4)] (D = 128 built in), bias [1 + R + 4]. Output
   * channels: objectness logit, R region class logits, then tx, ty, tw, th (see `heads-graph.ts`).
   * Null exactly when there are no region classes: the graph then has no box outputs.
   */
  gridHead: DenseWeights | null;
  postprocess: BoxPostprocess;
}

/** Outputs of the grid head per cell: objectness, R class logits, 4 box offsets. */
export function gridHeadChannels(regionClassCount: number): number {
  return 1 + regionClassCount + 4;
}

function fail(message: string, field: string, data: Record<string, unknown> = {}): never {
  throw new InputError(`model spec: ${message}`, { rule: 'model-spec', field, ...data });
}

function assertNames(names: readonly string[], field: string): void {
  if (names.some((name) => name.length === 0)) fail(`${field} contains an empty name`, field);
  if (new Set(names).size !== names.length) fail(`${field} contains duplicate names`, field);
}

function assertDense(dense: DenseWeights, inputs: number, outputs: number, field: string): void {
  if (dense.weight.length !== inputs * outputs) {
    fail(`${field}.weight has ${dense.weight.length} values, expected ${inputs}×${outputs}`, field);
  }
  if (dense.bias.length !== outputs) fail(`${field}.bias has ${dense.bias.length} values, expected ${outputs}`, field);
  if (![...dense.weight, ...dense.bias].every(Number.isFinite)) fail(`${field} has a non-finite value`, field);
}

/** A head exists exactly when it has names to predict. */
function assertHead(head: DenseWeights | null, names: number, inputs: number, outputs: number, field: string): void {
  if (names === 0) {
    if (head !== null) fail(`${field} must be null when there are no names for it`, field);
    return;
  }
  if (head === null) fail(`${field} is missing`, field);
  assertDense(head, inputs, outputs, field);
}

function assertChannelStats(values: readonly number[], field: string, positive: boolean): void {
  if (values.length !== INPUT_CHANNELS) fail(`${field} must have ${INPUT_CHANNELS} values`, field);
  if (!values.every((value) => Number.isFinite(value) && (!positive || value > 0))) {
    fail(`${field} must be finite${positive ? ' and positive' : ''}`, field);
  }
}

/**
 * Throws an `InputError` naming the field unless `spec` can be built into a model. `imageFeatureSize` and
 * `cellFeatureSize` are the extractor's (2,816 and 128 for the built-in one).
 */
export function assertModelSpec(spec: ModelSpec, imageFeatureSize: number, cellFeatureSize: number): void {
  assertExtractorSpec(spec.extractor);
  assertChannelStats(spec.mean, 'mean', false);
  assertChannelStats(spec.std, 'std', true);
  assertNames(spec.classes, 'classes');
  assertNames(spec.regionClasses, 'regionClasses');
  if (spec.classes.length === 0 && spec.regionClasses.length === 0) fail('classes and regionClasses must not both be empty', 'classes');
  assertHead(spec.classHead, spec.classes.length, imageFeatureSize, spec.classes.length, 'classHead');
  assertHead(spec.gridHead, spec.regionClasses.length, gridHeadInputs(cellFeatureSize), gridHeadChannels(spec.regionClasses.length), 'gridHead');
  const { iouThreshold, scoreThreshold, maxBoxes } = spec.postprocess;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) fail('postprocess.iouThreshold must be in [0, 1]', 'postprocess');
  if (!(scoreThreshold >= 0 && scoreThreshold < 1)) fail('postprocess.scoreThreshold must be in [0, 1)', 'postprocess');
  const cells = gridSizeFor(spec.extractor.inputSize) ** 2;
  if (!Number.isInteger(maxBoxes) || maxBoxes < 1 || maxBoxes > cells) {
    fail(`postprocess.maxBoxes must be an integer in [1, ${cells}]`, 'postprocess', { maxBoxes });
  }
}
