import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildArtifact } from '../../src/artifacts/codec.js';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { createPrng } from '../../src/demo/prng.js';
import { UsageError } from '../../src/errors.js';
import {
  calibrationModelsOf,
  evaluateModel,
  fitCalibration,
  measureCalibration,
  openModel,
  predictItems,
  type EvaluateModelOptions,
  type ItemPrediction,
} from '../../src/evaluate/index.js';
import { fitIsotonic } from '../../src/metrics/isotonic.js';
import { buildContractModel, solidPng } from './contract-model.js';
import { datasetItem, serveImages } from './evaluate-fixtures.js';

const classes = ['red', 'green', 'blue'];
const taxonomy = { classes, regionClasses: ['dot', 'bar'] };
// Sharp logits: the model is nearly sure of every image, but a quarter of the labels disagree with it.
const model = buildContractModel({ sharpness: 12 });
const sha256 = sha256Hex(model);

/** `count` solid-colour items: the brightest channel is the model's class; the label agrees 75% of the time. */
async function noisySplit(seed: number, count: number, split: DatasetItem['split']): Promise<{ items: DatasetItem[]; images: Map<string, Uint8Array> }> {
  const prng = createPrng(seed);
  const items: DatasetItem[] = [];
  const images = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const dominant = prng.int(0, 2);
    const rgb = [0, 1, 2].map((c) => Math.round(255 * (c === dominant ? prng.float(0.35, 1) : prng.float(0.05, 0.3)))) as [number, number, number];
    const label = prng.chance(0.75) ? dominant : (dominant + prng.int(1, 2)) % 3;
    const id = `${split}-${i}`;
    items.push(datasetItem({ id, split, classes: [classes[label]!] }));
    images.set(id, await solidPng(rgb, 8, 8));
  }
  return { items, images };
}

let val: { items: DatasetItem[]; images: Map<string, Uint8Array> };
let test: { items: DatasetItem[]; images: Map<string, Uint8Array> };
let valPredictions: ItemPrediction[];
let testPredictions: ItemPrediction[];
const readImage = (item: DatasetItem) => serveImages(item.split === 'val' ? val.images : test.images)(item);

beforeAll(async () => {
  [val, test] = await Promise.all([noisySplit(1, 300, 'val'), noisySplit(2, 300, 'test')]);
  const opened = await openModel(model, { expectedSha256: sha256, file: 'model.onnx', taxonomy });
  try {
    valPredictions = await predictItems(opened, val.items, readImage);
    testPredictions = await predictItems(opened, test.items, readImage);
  } finally {
    await opened.close();
  }
});

describe('fitCalibration', () => {
  it('fits each class one-vs-rest on the validation items: exactly scikit-learn isotonic on (score, is that class)', () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    classes.forEach((name, k) => {
      const x = valPredictions.map((p) => p.classScores[k]!);
      const y = val.items.map((item) => (item.classes[0] === name ? 1 : 0));
      expect(maps[name]).toEqual(fitIsotonic(x, y));
    });
  });

  it('keeps the breakpoints only: far fewer than the items, x increasing, y non-decreasing in 0–1', () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    for (const name of classes) {
      const { x, y } = maps[name]!;
      expect(x.length).toBeLessThan(val.items.length / 4);
      x.slice(1).forEach((value, i) => expect(value).toBeGreaterThan(x[i]!));
      y.slice(1).forEach((value, i) => expect(value).toBeGreaterThanOrEqual(y[i]!));
      expect(Math.min(...y)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...y)).toBeLessThanOrEqual(1);
    }
  });

  it('lowers the ECE of a deliberately overconfident model on the held-out test split', () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    const { ece_before, ece_after } = measureCalibration(testPredictions, test.items, classes, maps);
    expect(ece_before).toBeGreaterThan(0.15);
    expect(ece_after).toBeLessThan(ece_before / 3);
  });

  it('ignores items without a human class, and refuses when none has one', () => {
    const unlabelled = val.items.map((item) => ({ ...item, classes: [] }));
    expect(() => fitCalibration(valPredictions, unlabelled, classes)).toThrow(expect.objectContaining({ data: { rule: 'calibration-no-items' } }));
    const half = val.items.map((item, i) => (i % 2 === 0 ? item : { ...item, classes: [] }));
    const labelledOnly = val.items.filter((_, i) => i % 2 === 0);
    expect(fitCalibration(valPredictions, half, classes)).toEqual(fitCalibration(valPredictions.filter((_, i) => i % 2 === 0), labelledOnly, classes));
  });

  it('refuses stored maps that lack a class', () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    expect(() => calibrationModelsOf({ red: maps.red!, green: maps.green! }, classes)).toThrow('the calibration has no map for class "blue"');
  });
});

describe('evaluateModel', () => {
  const options = (): EvaluateModelOptions => ({
    model,
    sha256,
    file: 'registry/paint/1.0.0/model.onnx',
    taxonomy,
    testItems: test.items,
    valItems: val.items,
    readImage,
    biasField: null,
    calibrate: true,
    batchSize: 64,
  });

  it('fits on validation, measures on test, and returns bodies that slot into the artifacts', async () => {
    const progress = new Set<string>();
    const evaluation = await evaluateModel({ ...options(), biasField: 'camera', onProgress: (done, total, split) => progress.add(`${split} ${done}/${total}`) });
    const maps = fitCalibration(valPredictions, val.items, classes);
    const ece = measureCalibration(testPredictions, test.items, classes, maps);
    expect(evaluation.calibration).toEqual({ classes: maps, ...ece });
    expect(evaluation.metrics.calibration).toEqual(ece);
    expect(evaluation.counts).toEqual({ items: 300, classified: 300, unlabelled: 0 });
    expect(evaluation.notes).toEqual([]);
    expect(evaluation.metrics.bias).toEqual({ field: 'camera', groups: { '(missing)': { items: 300, macro_f1: evaluation.metrics.classification.macro_f1 } }, max_delta: 0 });
    expect(progress).toContain('test 300/300');
    expect(progress).toContain('val 300/300');

    const ref = { path: 'datasets/paint/v1/manifest.json', sha256: 'b'.repeat(64) };
    const metrics = buildArtifact('TrainingMetrics', {
      model: 'paint',
      model_version: '1.0.0',
      dataset: { version: 'v1', manifest: ref, split: 'test', items: evaluation.counts.items },
      ...evaluation.metrics,
      training: null,
    });
    expect(metrics.classification.accuracy).toBeGreaterThan(0.6);
    const calibration = buildArtifact('Calibration', {
      model: 'paint',
      model_version: '1.0.0',
      method: 'isotonic',
      fitted_on: { dataset_version: 'v1', split: 'val' },
      ...evaluation.calibration!,
    });
    expect(calibration.ece_after).toBeLessThan(calibration.ece_before);
  });

  it('measures an existing calibration without fitting one', async () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    const evaluation = await evaluateModel({ ...options(), calibrate: false, valItems: null, existingCalibration: maps });
    expect(evaluation.calibration).toBeNull();
    expect(evaluation.metrics.calibration).toEqual(measureCalibration(testPredictions, test.items, classes, maps));
  });

  it('has no calibration figure when asked for none', async () => {
    const evaluation = await evaluateModel({ ...options(), calibrate: false });
    expect(evaluation.calibration).toBeNull();
    expect(evaluation.metrics.calibration).toBeNull();
  });

  it('says why when the validation split has nothing to calibrate on', async () => {
    const progress: string[] = [];
    const unlabelled = val.items.map((item) => ({ ...item, classes: [] }));
    const evaluation = await evaluateModel({ ...options(), valItems: unlabelled, onProgress: (_done, _total, split) => progress.push(split) });
    expect(progress).not.toContain('val');
    expect(evaluation.calibration).toBeNull();
    expect(evaluation.metrics.calibration).toBeNull();
    expect(evaluation.notes).toEqual(['no calibration was fitted: the validation split has no item with a human class']);
  });

  it('refuses to both fit and measure an existing calibration', async () => {
    const maps = fitCalibration(valPredictions, val.items, classes);
    await expect(evaluateModel({ ...options(), existingCalibration: maps })).rejects.toBeInstanceOf(UsageError);
  });
});
