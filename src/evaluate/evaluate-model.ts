import type * as ort from 'onnxruntime-node';
import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { UsageError } from '../errors.js';
import { openModel, type ModelTaxonomy } from '../model/open-model.js';
import { fitCalibration, measureCalibration, type CalibrationMaps } from './calibration.js';
import { evaluatePredictions, type EvaluationCounts, type PredictionMetrics } from './evaluate-predictions.js';
import { predictItems, type ReadItemImage } from './predict-items.js';

export interface EvaluateModelOptions {
  /** The model's bytes, checked against `sha256` before anything parses them. */
  model: Uint8Array;
  sha256: string;
  /** Names the model in errors (its registry path). */
  file: string;
  taxonomy: ModelTaxonomy;
  /** The dataset version's frozen test split. */
  testItems: readonly DatasetItem[];
  /** The validation split, to fit a calibration on; only read when `calibrate` is true. */
  valItems: readonly DatasetItem[] | null;
  readImage: ReadItemImage;
  /** The item `meta` field to measure bias over, or null. */
  biasField: string | null;
  /** Fit a new calibration on `valItems` and measure it on the test split. */
  calibrate: boolean;
  /** Or measure an existing calibration (the `classes` of a model's `calibration.json`) on the test split. */
  existingCalibration?: CalibrationMaps | null;
  /** Images per onnxruntime run (default 32). */
  batchSize?: number;
  sessionOptions?: ort.InferenceSession.SessionOptions;
  onProgress?: (done: number, total: number, split: 'test' | 'val') => void;
}

/**
 * The `calibration.json` body cairn fitted; the caller adds schema, model, version, `method: 'isotonic'`,
 * `fitted_on` (always the validation split: the test split only measures) and checksum.
 */
export interface FittedCalibration {
  classes: CalibrationMaps;
  ece_before: number;
  ece_after: number;
}

export interface ModelEvaluation {
  /** The bodies of `metrics.json`; the caller adds schema, model, version, dataset, training and checksum. */
  metrics: {
    classification: PredictionMetrics['classification'];
    detection: PredictionMetrics['detection'];
    calibration: { ece_before: number; ece_after: number } | null;
    bias: PredictionMetrics['bias'];
  };
  /** The fitted calibration, or null when none was fitted. */
  calibration: FittedCalibration | null;
  /** Test split counts: `items` is `metrics.json`'s `dataset.items`. */
  counts: EvaluationCounts;
  /** Why a figure is missing, in words for a report (e.g. no labelled validation item to calibrate on). */
  notes: string[];
}

/**
 * cairn's evaluation of one model, whoever trained it: open it (`openModel`: checksum, metadata,
 * taxonomy, contract), predict every test item through the upload-time path, compute the metrics, and
 * fit (on the validation split) or measure (an existing one) the calibration, its ECE before and after
 * always measured on the test split. The session is closed whatever happens.
 */
export async function evaluateModel(options: EvaluateModelOptions): Promise<ModelEvaluation> {
  const existing = options.existingCalibration ?? null;
  if (options.calibrate && existing) throw new UsageError('evaluateModel: either fit a calibration (calibrate) or measure an existing one, not both');
  const model = await openModel(options.model, {
    expectedSha256: options.sha256,
    file: options.file,
    taxonomy: options.taxonomy,
    ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
  });
  try {
    const predict = (items: readonly DatasetItem[], split: 'test' | 'val') =>
      predictItems(model, items, options.readImage, {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        onProgress: (done, total) => options.onProgress?.(done, total, split),
      });
    const testPredictions = await predict(options.testItems, 'test');
    const metrics = evaluatePredictions({
      items: options.testItems,
      predictions: testPredictions,
      classes: model.classes,
      regionClasses: model.regionClasses,
      biasField: options.biasField,
    });
    const notes: string[] = [];
    let maps = existing;
    if (options.calibrate) {
      // Only items with a human class take part in the fit: the others are not even run.
      const valItems = (options.valItems ?? []).filter((item) => item.classes.length > 0);
      if (valItems.length > 0) maps = fitCalibration(await predict(valItems, 'val'), valItems, model.classes);
      else notes.push('no calibration was fitted: the validation split has no item with a human class');
    }
    const ece = maps ? measureCalibration(testPredictions, options.testItems, model.classes, maps) : null;
    // Isotonic maps fitted on a small validation split can overfit it; the report should say so.
    if (ece && ece.ece_after >= ece.ece_before) notes.push(`calibration did not lower the test ECE (${ece.ece_before.toFixed(4)} before, ${ece.ece_after.toFixed(4)} after)`);
    return {
      metrics: { classification: metrics.classification, detection: metrics.detection, calibration: ece, bias: metrics.bias },
      calibration: options.calibrate && maps && ece ? { classes: maps, ...ece } : null,
      counts: metrics.counts,
      notes,
    };
  } finally {
    await model.close();
  }
}
