import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import type { Calibration } from '../artifacts/schemas/model.js';
import { InputError } from '../errors.js';
import { applyCalibration, expectedCalibrationError } from '../metrics/ece.js';
import { fitIsotonic, parseIsotonicModel, type IsotonicModel } from '../metrics/isotonic.js';
import { pairLabelled } from './pair-labelled.js';
import type { ItemPrediction } from './predict-items.js';

/** Fitted per-class isotonic maps keyed by class name: the `classes` of `calibration.json`, breakpoints only. */
export type CalibrationMaps = Calibration['classes'];

/**
 * Fits one isotonic map per class on the labelled items, one-vs-rest: x is the class's score, y is 1
 * when the item is of that class and 0 otherwise (scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')`). The maps keep the fitted breakpoints only, so
 * `calibration.json` stays small whatever the number of items. Items without a human class are left out.
 *
 * @param predictions one per item, in the order of `items` (as `predictItems` returns them).
 * @param classes the order of `classScores` (`OpenedModel.classes`).
 * @throws InputError when no item has a human class.
 */
export function fitCalibration(predictions: readonly ItemPrediction[], items: readonly DatasetItem[], classes: readonly string[]): CalibrationMaps {
  const labelled = pairLabelled(items, predictions, classes);
  if (labelled.length === 0) throw new InputError('calibration needs at least one validation item with a human class', { rule: 'calibration-no-items' });
  return Object.fromEntries(
    classes.map((name, k) => {
      const x = labelled.map((entry) => entry.scores[k]!);
      const y = labelled.map((entry) => (entry.truth === k ? 1 : 0));
      const { x: breakX, y: breakY } = fitIsotonic(x, y);
      return [name, { x: breakX, y: breakY }];
    }),
  );
}

/** The maps in `classes` order, each validated; throws an `InputError` naming a class the maps lack. */
export function calibrationModelsOf(maps: CalibrationMaps, classes: readonly string[]): IsotonicModel[] {
  return classes.map((name) => {
    const map = maps[name];
    if (!map) throw new InputError(`the calibration has no map for class "${name}"`, { rule: 'calibration-class', label: name });
    return parseIsotonicModel(map);
  });
}

/** Calibrated probabilities: each class through its map, then each row renormalised to sum to 1 (`applyCalibration`). */
export function calibrateScores(scores: ReadonlyArray<ArrayLike<number>>, maps: CalibrationMaps, classes: readonly string[]): number[][] {
  return applyCalibration(scores, calibrationModelsOf(maps, classes));
}

/**
 * ECE of the top-class confidence (15 bins, `expectedCalibrationError`) before and after applying the
 * maps, on the labelled items: pass held-out ones (the test split), never those the maps were fitted on.
 *
 * @throws InputError when no item has a human class.
 */
export function measureCalibration(
  predictions: readonly ItemPrediction[],
  items: readonly DatasetItem[],
  classes: readonly string[],
  maps: CalibrationMaps,
): { ece_before: number; ece_after: number } {
  const labelled = pairLabelled(items, predictions, classes);
  const scores = labelled.map((entry) => entry.scores);
  const truth = labelled.map((entry) => entry.truth);
  return {
    ece_before: expectedCalibrationError(scores, truth),
    ece_after: expectedCalibrationError(calibrateScores(scores, maps, classes), truth),
  };
}
