// The built-in trainer: heads trained in TypeScript on the fixed extractor's features.
export { extractImageFeatures, type ExtractImageFeaturesOptions, type ImageSource } from './extract-image-features.js';
export { planTrainingItems } from './plan-training-items.js';
export { buildGridTargets, cellOf, type GridTargets, type RegionTarget } from './grid-targets.js';
export { DEFAULT_TRAIN_CONFIG, resolveTrainConfig, type FitConfig, type TrainConfig, type TrainConfigOverrides } from './train-config.js';
export {
  DEFAULT_POSTPROCESS,
  IMAGENET_MEAN,
  IMAGENET_STD,
  planHeadItems,
  trainBuiltinModel,
  type BuiltinModel,
  type BuiltinTrainingItem,
  type TrainBuiltinOptions,
  type TrainingPhase,
} from './train-builtin-model.js';
export { trainHeads, type FitStats, type HeadTrainingInput, type HeadTrainingItem, type TrainedHeads, type TrainingStats } from './train-heads.js';
