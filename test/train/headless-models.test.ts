import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildDetectionMetrics, evaluateModel, openModel, predictItems } from '../../src/evaluate/index.js';
import { parseModelMetadata } from '../../src/model/read-model-metadata.js';
import { trainBuiltinModel } from '../../src/train/train-builtin-model.js';
import { buildDemoSplit } from '../evaluate/evaluate-fixtures.js';
import { buildDemoItems } from './demo-items.js';

const QUICK = { minSteps: 300, classHead: { epochs: 4 }, objectness: { epochs: 2 }, regionClasses: { epochs: 3 }, boxes: { epochs: 3 } };
const FILE = 'registry/shapes/1.0.0/model.onnx';

describe('a taxonomy without region classes', () => {
  it('trains a classification-only model with no box outputs, which evaluation reads without region metrics', async () => {
    const demo = await buildDemoItems({ seed: 7, count: 400 });
    const items = demo.items.map((item) => ({ ...item, regions: [] }));
    const trained = await trainBuiltinModel(items, { classes: demo.classes, regionClasses: [], config: QUICK });
    expect(parseModelMetadata(trained.model)).toMatchObject({ classes: demo.classes, regionClasses: [] });
    expect([trained.stats.objectness.rows, trained.stats.boxes.rows, trained.stats.classHead.rows]).toEqual([0, 0, 400]);
    const session = await ort.InferenceSession.create(trained.model);
    expect(session.outputNames).toEqual(['class_scores']);
    await session.release();

    const test = await buildDemoSplit({ seed: 8, count: 150, split: 'test' });
    const evaluation = await evaluateModel({
      model: trained.model,
      sha256: sha256Hex(trained.model),
      file: FILE,
      taxonomy: { classes: demo.classes, regionClasses: [] },
      testItems: test.items,
      valItems: [],
      readImage: test.readImage,
      biasField: null,
      calibrate: false,
    });
    expect(evaluation.metrics.detection).toBeNull();
    // Four classes: chance is 0.25.
    expect(evaluation.metrics.classification.macro_f1).toBeGreaterThan(0.7);
  }, 120_000);
});

describe('a taxonomy without image classes', () => {
  it('trains a regions-only model with no class scores, whose boxes evaluate to a useful AP50', async () => {
    const demo = await buildDemoItems({ seed: 7, count: 400 });
    const items = demo.items.map((item) => ({ ...item, label: null }));
    const trained = await trainBuiltinModel(items, { classes: [], regionClasses: demo.classes, config: QUICK });
    expect(parseModelMetadata(trained.model)).toMatchObject({ classes: [], regionClasses: demo.classes });
    expect(trained.stats.classHead.rows).toBe(0);
    const session = await ort.InferenceSession.create(trained.model);
    expect(session.outputNames).toEqual(['boxes', 'box_scores', 'box_labels']);
    await session.release();

    const test = await buildDemoSplit({ seed: 8, count: 150, split: 'test' });
    const opened = await openModel(trained.model, { expectedSha256: sha256Hex(trained.model), file: FILE });
    try {
      const predictions = await predictItems(opened, test.items, test.readImage);
      expect(predictions.every((prediction) => prediction.classScores.length === 0)).toBe(true);
      const detection = buildDetectionMetrics(test.items, predictions, opened.regionClasses);
      expect(detection.ap50).toBeGreaterThan(0.5);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
