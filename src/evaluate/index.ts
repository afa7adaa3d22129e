// cairn's own evaluation of a model on a dataset's frozen test split: no trainer grades its own work.
export { evaluateModel, type EvaluateModelOptions, type FittedCalibration, type ModelEvaluation } from './evaluate-model.js';
export { evaluatePredictions, type EvaluatePredictionsOptions, type EvaluationCounts, type PredictionMetrics } from './evaluate-predictions.js';
export { DEFAULT_PREDICT_BATCH, predictItems, type ItemPrediction, type PredictItemsOptions, type ReadItemImage } from './predict-items.js';
export { calibrateScores, calibrationModelsOf, fitCalibration, measureCalibration, type CalibrationMaps } from './calibration.js';
export { argmax, buildClassificationMetrics, sliceMacroF1, type ClassificationMetrics } from './classification-metrics.js';
export { buildCocoEvaluation, buildDetectionMetrics, type DetectionMetrics } from './detection-metrics.js';
export { MISSING_GROUP, biasGroupOf, buildBiasMetrics, type BiasMetrics, type ClassifiedItem } from './bias-metrics.js';
export { imageSizeOf, truthBoxesOf, truthClassOf, type TruthBox } from './ground-truth.js';
export { assertAligned, pairLabelled, type LabelledPrediction } from './pair-labelled.js';
export {
  modelTaxonomyOf,
  openModel,
  type BoxPrediction,
  type ImagePrediction,
  type ModelTaxonomy,
  type OpenModelOptions,
  type OpenedModel,
} from '../model/open-model.js';
