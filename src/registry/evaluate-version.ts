import { evaluateModel, type ModelEvaluation } from '../evaluate/evaluate-model.js';
import type { CalibrationMaps } from '../evaluate/calibration.js';
import { modelTaxonomyOf } from '../model/open-model.js';
import type { ItemImageReader, TrainingData } from './training-data.js';

export type EvaluationProgress = { phase: 'evaluate' | 'calibrate'; done: number; total: number };

export interface EvaluateVersionOptions {
  bytes: Uint8Array;
  sha256: string;
  /** The model file's registry path, for errors. */
  file: string;
  data: TrainingData;
  readImage: ItemImageReader;
  /** Fit a calibration on the validation split (measured on the test split). */
  calibrate: boolean;
  /** Or measure this existing calibration on the test split. */
  existingCalibration?: CalibrationMaps | null;
  /** The model config's `bias_field`; the dataset config's when null. */
  biasField: string | null;
  onProgress?: (progress: EvaluationProgress) => void;
}

/**
 * cairn's evaluation of a model on a dataset version, whoever trained it: the model is checked
 * against the dataset's taxonomy, run on the frozen test split, and calibrated on the validation split.
 */
export async function evaluateTrainedModel(options: EvaluateVersionOptions): Promise<ModelEvaluation> {
  const { data } = options;
  return evaluateModel({
    model: options.bytes,
    sha256: options.sha256,
    file: options.file,
    taxonomy: modelTaxonomyOf(data.taxonomy),
    testItems: data.splits.test,
    valItems: options.calibrate ? data.splits.val : null,
    readImage: options.readImage,
    biasField: options.biasField ?? data.biasField,
    calibrate: options.calibrate,
    ...(options.existingCalibration ? { existingCalibration: options.existingCalibration } : {}),
    onProgress: (done, total, split) => options.onProgress?.({ phase: split === 'test' ? 'evaluate' : 'calibrate', done, total }),
  });
}
