import type * as ort from 'onnxruntime-node';
import { InputError } from '../errors.js';
import { DEFAULT_INPUT_SIZE, buildExtractorWeights, gridLayerIndex, imageFeaturesOf, type ExtractorSpec, type ExtractorWeights } from '../model/feature-extractor.js';
import type { TowerShape } from './select-towers.js';
import type { BoxPostprocess, ModelSpec } from '../model/model-spec.js';
import { buildModelGraph } from '../model/onnx-graph.js';
import { extractImageFeatures, type ImageSource } from './extract-image-features.js';
import { resolveTrainConfig, type TrainConfigOverrides } from './train-config.js';
import { trainHeads, type HeadTrainingItem, type TrainingStats } from './train-heads.js';

/** One image to train on. */
export interface BuiltinTrainingItem {
  id: string;
  image: ImageSource;
  /** Its image class and the label's weight (see `resolveTrainingLabels`), or null when it has none. */
  label: { name: string; weight: number } | null;
  /** Its boxes in 0–1 of the image, axis-aligned (a rotated region's envelope). */
  regions: ReadonlyArray<{ label: string; x: number; y: number; width: number; height: number }>;
}

/** What a progress bar shows: images through the extractor, then head epochs, then the model. */
export type TrainingPhase = 'features' | 'heads' | 'model';

export interface TrainBuiltinOptions {
  /** Image class names, in the order of the model's `class_scores`. */
  classes: readonly string[];
  /** Region class names, in the order of `box_labels`. */
  regionClasses: readonly string[];
  config?: TrainConfigOverrides;
  /** The fixed extractor: seed 0 and 64 px unless given. */
  extractor?: Partial<ExtractorSpec>;
  /** Input normalisation; ImageNet's by default, which suits user backbones too. */
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  postprocess?: Partial<BoxPostprocess>;
  /** Images per onnxruntime run. */
  featureBatchSize?: number;
  sessionOptions?: ort.InferenceSession.SessionOptions;
  onProgress?: (done: number, total: number, phase: TrainingPhase) => void;
}

export interface BuiltinModel {
  /** The serialised ONNX model. */
  model: Uint8Array;
  spec: ModelSpec;
  /** How the fits went, and how many images were smaller than the input and so upscaled. */
  stats: TrainingStats & { upscaledImages: number };
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/**
 * The default box postprocessing. The score threshold is low because evaluation ranks boxes (AP) and
 * needs the weak ones too; a serving client filters by score itself.
 */
export const DEFAULT_POSTPROCESS: BoxPostprocess = { iouThreshold: 0.45, scoreThreshold: 0.05, maxBoxes: 20 };

/**
 * The built-in trainer end to end: decode and normalise every image, extract its features with the
 * fixed extractor, train the heads (`trainHeads`) and build the ONNX model. Either list of names may be
 * empty, not both: the model then has no class head (no image classes) or no grid head (no region
 * classes), and keeps no cell features while training. The same items, in the same
 * order, with the same options give byte-identical model bytes.
 */
export async function trainBuiltinModel(items: readonly BuiltinTrainingItem[], options: TrainBuiltinOptions): Promise<BuiltinModel> {
  const config = resolveTrainConfig(options.config);
  const extractor: ExtractorSpec = { seed: options.extractor?.seed ?? 0, inputSize: options.extractor?.inputSize ?? DEFAULT_INPUT_SIZE };
  const weights = buildExtractorWeights(extractor);
  const headItems = planHeadItems(items, options.classes, options.regionClasses);
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  const progress = options.onProgress ?? (() => undefined);

  progress(0, items.length, 'features');
  const features = await extractImageFeatures(
    items.map((item) => item.image),
    {
      extractor,
      mean,
      std,
      ...(options.featureBatchSize === undefined ? {} : { batchSize: options.featureBatchSize }),
      ...(options.sessionOptions === undefined ? {} : { sessionOptions: options.sessionOptions }),
      nameOf: (index) => items[index]!.id,
      onChunk: (done) => progress(done, items.length, 'features'),
      cells: options.regionClasses.length > 0,
    },
  );
  const heads = trainHeads(
    {
      features,
      imageFeatureSize: weights.imageFeatureSize,
      cellFeatureSize: weights.cellFeatureSize,
      gridSize: weights.gridSize,
      classCount: options.classes.length,
      regionClassCount: options.regionClasses.length,
      items: headItems,
      towers: towerShapes(weights),
    },
    config,
    (done, total) => progress(done, total, 'heads'),
  );
  progress(0, 1, 'model');
  const spec: ModelSpec = {
    extractor,
    mean,
    std,
    classes: [...options.classes],
    regionClasses: [...options.regionClasses],
    classHead: heads.classHead,
    gridHead: heads.gridHead,
    postprocess: fitPostprocess({ ...DEFAULT_POSTPROCESS, ...options.postprocess }, weights.gridSize),
  };
  const model = buildModelGraph(spec);
  progress(1, 1, 'model');
  return { model, spec, stats: { ...heads.stats, upscaledImages: features.upscaled } };
}

/**
 * The default of 20 boxes exceeds the 16 cells of a 32 px input; a model cannot keep more boxes than
 * it has cells, so K is at most G². (An explicit larger value is refused earlier, by the config's schema rules.)
 */
function fitPostprocess(postprocess: BoxPostprocess, gridSize: number): BoxPostprocess {
  return { ...postprocess, maxBoxes: Math.min(postprocess.maxBoxes, gridSize * gridSize) };
}

/** Where each tower's features lie in the image and cell features. */
function towerShapes(weights: ExtractorWeights): TowerShape[] {
  return weights.towers.map((tower) => ({
    name: tower.input,
    imageFeatures: tower.layers.reduce((sum, layer) => sum + imageFeaturesOf(layer), 0),
    cellChannels: tower.layers[gridLayerIndex(tower)]!.outChannels,
  }));
}

/** Maps names to indices; throws an `InputError` naming the item for a name outside the lists. */
export function planHeadItems(items: readonly BuiltinTrainingItem[], classes: readonly string[], regionClasses: readonly string[]): HeadTrainingItem[] {
  const classIndex = new Map(classes.map((name, index) => [name, index]));
  const regionIndex = new Map(regionClasses.map((name, index) => [name, index]));
  const lookup = (names: Map<string, number>, name: string, item: string, what: string): number => {
    const index = names.get(name);
    if (index === undefined) throw new InputError(`${item}: ${what} "${name}" is not in the model's list`, { item, rule: 'unknown-class', label: name });
    return index;
  };
  return items.map((item) => ({
    classIndex: item.label === null ? null : lookup(classIndex, item.label.name, item.id, 'image class'),
    weight: item.label?.weight ?? 0,
    regions: item.regions.map((region) => ({
      classIndex: lookup(regionIndex, region.label, item.id, 'region class'),
      x: region.x,
      y: region.y,
      width: region.width,
      height: region.height,
    })),
  }));
}
