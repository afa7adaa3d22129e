/**
 * The one way cairn loads a model: checksum first, then metadata, taxonomy and graph contract, and only
 * then a session whose outputs are read into per-image predictions. Evaluation and serving share it, so
 * a model is judged by exactly the code that later runs it.
 */
import * as ort from 'onnxruntime-node';
import { sha256Hex } from '../artifacts/canonical-json.js';
import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import { ChecksumError, InputError } from '../errors.js';
import type { InputSpec } from '../images/preprocess.js';
import { IMAGE_INPUT } from './extractor-graph.js';
import { CLASS_SCORES } from './heads-graph.js';
import type { ModelMetadata } from './model-metadata.js';
import { BOX_OUTPUTS } from './nms-graph.js';
import { parseModelMetadata } from './read-model-metadata.js';
import { DEFAULT_SESSION_OPTIONS } from './session-options.js';

/** The names a model must speak: the taxonomy's image classes and region classes. */
export interface ModelTaxonomy {
  classes: readonly string[];
  regionClasses: readonly string[];
}

export interface OpenModelOptions {
  /** The sha256 the model's manifest records; checked before anything reads the bytes. */
  expectedSha256: string;
  /** Names the model in errors (its registry path). */
  file: string;
  /** When given, the model's names must be exactly these (in any order; see `openModel`). */
  taxonomy?: ModelTaxonomy;
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** A predicted region: 0–1 of the image, (x, y) its top-left corner. */
export interface BoxPrediction {
  /** Region class name. */
  label: string;
  score: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the model says about one image. */
export interface ImagePrediction {
  /** One probability per class of {@link OpenedModel.classes}, in that order; empty for a regions-only model. */
  classScores: Float32Array;
  /** The non-padding boxes, highest score first, as the graph ordered them. */
  boxes: BoxPrediction[];
}

/** A loaded, checked model. `close()` it when done. */
export interface OpenedModel {
  readonly file: string;
  readonly sha256: string;
  readonly metadata: ModelMetadata;
  /** The order of `classScores`: the taxonomy's when one was given, else the model's own. */
  readonly classes: readonly string[];
  readonly regionClasses: readonly string[];
  /** What `preprocessImage` needs to feed this model. */
  readonly inputSpec: InputSpec;
  /** Floats per image in a batch: 3 · height · width. */
  readonly imageLength: number;
  /** Runs a batch of normalised CHW images laid out [N, 3, H, W]; one prediction per image. */
  run(batch: Float32Array): Promise<ImagePrediction[]>;
  close(): Promise<void>;
}

/** The names of a taxonomy artifact, in its order. */
export function modelTaxonomyOf(taxonomy: Taxonomy): ModelTaxonomy {
  return { classes: taxonomy.classes.map((c) => c.name), regionClasses: taxonomy.region_classes.map((c) => c.name) };
}

/**
 * Opens a cairn model. In order, each step refusing before the next runs:
 *
 * 1. the bytes' sha256 must equal `expectedSha256` (`ChecksumError`), so no runtime ever parses
 *    bytes the registry does not vouch for;
 * 2. the cairn metadata must parse (`parseModelMetadata`);
 * 3. with a taxonomy, the model's classes and region classes must be the taxonomy's as sets
 *    (`InputError`, rule `model-taxonomy`, naming the missing and extra names). Order is free: the
 *    metadata maps each output index to a name, and `classScores` come out in the taxonomy's order.
 *    A model with no region classes is a classification-only model: it has no region metrics; one with
 *    no image classes is a regions-only model: its `classScores` are empty;
 * 4. onnxruntime loads the graph, whose input and outputs must fit the contract (`InputError`, rule
 *    `model-contract`): `image` float32 [N, 3, H, W]; with image classes, `class_scores` float32 [N, C]; with region classes,
 *    `boxes` float32 [N, K, 4], `box_scores` float32 [N, K] and `box_labels` int64 [N, K].
 *    Symbolic dimensions are accepted; fixed ones must match the metadata. Extra outputs are ignored.
 */
export async function openModel(bytes: Uint8Array, options: OpenModelOptions): Promise<OpenedModel> {
  const { file } = options;
  const sha256 = sha256Hex(bytes);
  if (sha256 !== options.expectedSha256) {
    throw new ChecksumError(`${file}: sha256 ${sha256} does not match the expected ${options.expectedSha256}`, {
      file,
      expected: options.expectedSha256,
      actual: sha256,
    });
  }
  const metadata = parseModelMetadata(bytes, file);
  // A classification-only model (no region classes, no box outputs) and a regions-only one (no image
  // classes, no class scores) are allowed under any taxonomy: the missing head has no names to match.
  const classes =
    options.taxonomy && metadata.classes.length > 0 ? matchNames(metadata.classes, options.taxonomy.classes, 'classes', file) : [...metadata.classes];
  const regionClasses =
    options.taxonomy && metadata.regionClasses.length > 0
      ? matchNames(metadata.regionClasses, options.taxonomy.regionClasses, 'region_classes', file)
      : [...metadata.regionClasses];

  const session = await ort.InferenceSession.create(bytes, options.sessionOptions ?? DEFAULT_SESSION_OPTIONS);
  let maxBoxes: number | null;
  try {
    maxBoxes = assertContract(session, metadata, file);
  } catch (error) {
    await session.release();
    throw error;
  }
  const inputSpec: InputSpec = { width: metadata.inputWidth, height: metadata.inputHeight, mean: metadata.mean, std: metadata.std };
  const imageLength = 3 * metadata.inputWidth * metadata.inputHeight;
  const readOutputs = buildOutputReader(metadata, classes, file);
  const fetches = [
    ...(metadata.classes.length > 0 ? [CLASS_SCORES] : []),
    ...(metadata.regionClasses.length > 0 ? [BOX_OUTPUTS.boxes, BOX_OUTPUTS.scores, BOX_OUTPUTS.labels] : []),
  ];

  return {
    file,
    sha256,
    metadata,
    classes,
    regionClasses,
    inputSpec,
    imageLength,
    async run(batch) {
      const count = batch.length / imageLength;
      if (!Number.isInteger(count) || count < 1) {
        throw new InputError(`${file}: a batch must hold a whole, non-zero number of ${imageLength}-float images, got ${batch.length} floats`, {
          file,
          rule: 'model-batch',
        });
      }
      const input = new ort.Tensor('float32', batch, [count, 3, metadata.inputHeight, metadata.inputWidth]);
      const results = await session.run({ [IMAGE_INPUT]: input }, fetches);
      try {
        return readOutputs(results, count, maxBoxes);
      } finally {
        for (const tensor of [input, ...Object.values(results)]) tensor.dispose();
      }
    },
    close: () => session.release(),
  };
}

/** The taxonomy's names, after checking that the model has exactly those names in some order. */
function matchNames(model: readonly string[], taxonomy: readonly string[], field: 'classes' | 'region_classes', file: string): string[] {
  const missing = taxonomy.filter((name) => !model.includes(name));
  const extra = model.filter((name) => !taxonomy.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `not in the taxonomy: ${extra.join(', ')}` : ''];
    throw new InputError(`${file}: the model's ${field} do not match the taxonomy's (${parts.filter(Boolean).join('; ')})`, {
      file,
      rule: 'model-taxonomy',
      field,
      missing,
      extra,
    });
  }
  return [...taxonomy];
}

interface TensorInfo {
  type: string;
  /** Empty when the graph does not declare a shape; a string is a symbolic dimension. */
  shape: ReadonlyArray<number | string>;
}

/** Checks the session's input and outputs against the contract; returns K, the box rows, when fixed. */
function assertContract(session: ort.InferenceSession, metadata: ModelMetadata, file: string): number | null {
  const fail = (name: string, expected: string, actual: string): never => {
    throw new InputError(`${file}: ${name} must be ${expected}, the graph has ${actual}`, { file, rule: 'model-contract', name, expected, actual });
  };
  const find = (list: readonly ort.InferenceSession.ValueMetadata[], name: string, kind: string): TensorInfo => {
    const value = list.find((entry) => entry.name === name);
    if (!value) return fail(name, `a graph ${kind}`, `${kind}s ${list.map((entry) => entry.name).join(', ') || 'none'}`);
    if (!value.isTensor) return fail(name, 'a tensor', 'a non-tensor value');
    return { type: value.type, shape: value.shape };
  };
  const check = (name: string, { type, shape }: TensorInfo, expectedType: string, expected: ReadonlyArray<number | null>): void => {
    const want = `${expectedType} [${expected.map((d) => d ?? '?').join(', ')}]`;
    const have = `${type} [${shape.join(', ')}]`;
    if (type !== expectedType) fail(name, want, have);
    // onnxruntime reports an undeclared shape as []; only a declared one can be checked.
    if (shape.length === 0) return;
    if (shape.length !== expected.length) fail(name, want, have);
    shape.forEach((dim, i) => {
      if (typeof dim === 'number' && dim >= 0 && expected[i] !== null && dim !== expected[i]) fail(name, want, have);
    });
  };
  if (session.inputNames.length !== 1) fail('the graph', `one input (${IMAGE_INPUT})`, `inputs ${session.inputNames.join(', ')}`);
  check(IMAGE_INPUT, find(session.inputMetadata, IMAGE_INPUT, 'input'), 'float32', [null, 3, metadata.inputHeight, metadata.inputWidth]);
  if (metadata.classes.length > 0) check(CLASS_SCORES, find(session.outputMetadata, CLASS_SCORES, 'output'), 'float32', [null, metadata.classes.length]);
  if (metadata.regionClasses.length === 0) return null;
  const k = metadata.maxBoxes ?? null;
  const boxes = find(session.outputMetadata, BOX_OUTPUTS.boxes, 'output');
  check(BOX_OUTPUTS.boxes, boxes, 'float32', [null, k, 4]);
  check(BOX_OUTPUTS.scores, find(session.outputMetadata, BOX_OUTPUTS.scores, 'output'), 'float32', [null, k]);
  check(BOX_OUTPUTS.labels, find(session.outputMetadata, BOX_OUTPUTS.labels, 'output'), 'int64', [null, k]);
  const declared = boxes.shape[1];
  return k ?? (typeof declared === 'number' && declared >= 0 ? declared : null);
}

type OutputReader = (results: ort.InferenceSession.ReturnType, count: number, maxBoxes: number | null) => ImagePrediction[];

/** Reads the output tensors into predictions, checking at run time what the graph's shapes left open. */
function buildOutputReader(metadata: ModelMetadata, classes: readonly string[], file: string): OutputReader {
  const C = metadata.classes.length;
  // position[k]: where the model's class k goes in `classes` (the taxonomy's order).
  const position = metadata.classes.map((name) => classes.indexOf(name));
  const fail = (message: string): never => {
    throw new InputError(`${file}: ${message}`, { file, rule: 'model-contract' });
  };
  const dimsOf = (tensor: ort.OnnxValue | undefined, name: string): readonly number[] => {
    if (!(tensor instanceof ort.Tensor)) return fail(`the run returned no tensor ${name}`);
    return tensor.dims;
  };
  const readScores = (results: ort.InferenceSession.ReturnType, count: number): Float32Array => {
    if (C === 0) return new Float32Array(0);
    const scoreDims = dimsOf(results[CLASS_SCORES], CLASS_SCORES);
    if (scoreDims[0] !== count || scoreDims[1] !== C) fail(`${CLASS_SCORES} has dims [${scoreDims.join(', ')}], expected [${count}, ${C}]`);
    return results[CLASS_SCORES]!.data as Float32Array;
  };
  return (results, count, fixedK) => {
    const scores = readScores(results, count);
    const predictions: ImagePrediction[] = [];
    for (let n = 0; n < count; n++) {
      const classScores = new Float32Array(C);
      for (let k = 0; k < C; k++) classScores[position[k]!] = scores[n * C + k]!;
      predictions.push({ classScores, boxes: [] });
    }
    if (metadata.regionClasses.length === 0) return predictions;

    const boxDims = dimsOf(results[BOX_OUTPUTS.boxes], BOX_OUTPUTS.boxes);
    const K = boxDims[1]!;
    if (boxDims[0] !== count || boxDims[2] !== 4 || (fixedK !== null && K !== fixedK)) fail(`${BOX_OUTPUTS.boxes} has dims [${boxDims.join(', ')}], expected [${count}, ${fixedK ?? 'K'}, 4]`);
    for (const name of [BOX_OUTPUTS.scores, BOX_OUTPUTS.labels]) {
      const dims = dimsOf(results[name], name);
      if (dims[0] !== count || dims[1] !== K) fail(`${name} has dims [${dims.join(', ')}], expected [${count}, ${K}]`);
    }
    const boxes = results[BOX_OUTPUTS.boxes]!.data as Float32Array;
    const boxScores = results[BOX_OUTPUTS.scores]!.data as Float32Array;
    const labels = results[BOX_OUTPUTS.labels]!.data as BigInt64Array;
    for (let n = 0; n < count; n++) {
      for (let r = n * K; r < (n + 1) * K; r++) {
        const label = Number(labels[r]!);
        if (label < 0) continue;
        const name = metadata.regionClasses[label] ?? fail(`${BOX_OUTPUTS.labels} holds ${label}, but the model has ${metadata.regionClasses.length} region classes`);
        predictions[n]!.boxes.push({ label: name, score: boxScores[r]!, x: boxes[r * 4]!, y: boxes[r * 4 + 1]!, width: boxes[r * 4 + 2]!, height: boxes[r * 4 + 3]! });
      }
    }
    return predictions;
  };
}
