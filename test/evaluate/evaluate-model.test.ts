import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildArtifact } from '../../src/artifacts/codec.js';
import { evaluateModel, openModel, predictItems, type ItemPrediction, type ModelEvaluation } from '../../src/evaluate/index.js';
import { preprocessImage } from '../../src/images/preprocess.js';
import { evaluateCocoBoxes } from '../../src/metrics/coco-eval.js';
import type { BuiltinModel } from '../../src/train/train-builtin-model.js';
import { buildDemoSplit, trainDemoModel, type DemoSplit } from './evaluate-fixtures.js';

// The built-in model, trained quickly on 400 demo images; evaluated on 150 others, calibrated on 150 more.
let trained: BuiltinModel;
let classes: readonly string[];
let test: DemoSplit;
let val: DemoSplit;
let evaluation: ModelEvaluation;
let predictions: ItemPrediction[];
const FILE = 'registry/shapes/1.0.0/model.onnx';

beforeAll(async () => {
  ({ trained, classes } = await trainDemoModel(400, 7));
  [test, val] = await Promise.all([buildDemoSplit({ seed: 8, count: 150, split: 'test' }), buildDemoSplit({ seed: 9, count: 150, split: 'val' })]);
  const sha256 = sha256Hex(trained.model);
  const taxonomy = { classes, regionClasses: classes };
  evaluation = await evaluateModel({
    model: trained.model,
    sha256,
    file: FILE,
    taxonomy,
    testItems: test.items,
    valItems: val.items,
    readImage: (item) => (item.split === 'test' ? test : val).readImage(item),
    biasField: 'camera',
    calibrate: true,
  });
  const opened = await openModel(trained.model, { expectedSha256: sha256, file: FILE, taxonomy });
  try {
    predictions = await predictItems(opened, test.items, test.readImage);
  } finally {
    await opened.close();
  }
  console.info(`built-in demo model: ${JSON.stringify({ ...evaluation.metrics, confusion: undefined, calibration: evaluation.metrics.calibration })}`);
}, 180_000);

describe('evaluateModel on the built-in model', () => {
  it('reads the built-in graph exactly as onnxruntime returns it: scores, and boxes (x, y, width, height) without padding', async () => {
    const session = await ort.InferenceSession.create(trained.model);
    try {
      const size = trained.spec.extractor.inputSize;
      const K = trained.spec.postprocess.maxBoxes;
      for (const [n, item] of test.items.slice(0, 8).entries()) {
        const { tensor } = await preprocessImage(test.images.get(item.id)!, { width: size, height: size, mean: trained.spec.mean, std: trained.spec.std });
        const out = await session.run({ image: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
        expect(Array.from(predictions[n]!.classScores)).toEqual(Array.from(out.class_scores!.data as Float32Array));
        const labels = out.box_labels!.data as BigInt64Array;
        const boxes = out.boxes!.data as Float32Array;
        const scores = out.box_scores!.data as Float32Array;
        const expected = [];
        for (let r = 0; r < K; r++) {
          if (labels[r]! < 0n) continue;
          expected.push({ label: classes[Number(labels[r])], score: scores[r], x: boxes[r * 4], y: boxes[r * 4 + 1], width: boxes[r * 4 + 2], height: boxes[r * 4 + 3] });
        }
        expect(predictions[n]!.boxes).toEqual(expected);
      }
    } finally {
      await session.release();
    }
  });

  it('computes detection exactly as coco-eval does on the same boxes in pixels', () => {
    const px = (box: { x: number; y: number; width: number; height: number }) => [box.x * 64, box.y * 64, box.width * 64, box.height * 64];
    let annotation = 0;
    const direct = evaluateCocoBoxes(
      {
        images: test.items.map((_, i) => ({ id: i + 1 })),
        annotations: test.items.flatMap((item, i) =>
          item.regions.map((region) => ({ id: ++annotation, image_id: i + 1, category_id: classes.indexOf(region.label) + 1, bbox: px(region) })),
        ),
        categories: classes.map((name, k) => ({ id: k + 1, name })),
      },
      predictions.flatMap((p, i) => p.boxes.map((box) => ({ image_id: i + 1, category_id: classes.indexOf(box.label) + 1, bbox: px(box), score: box.score }))),
    );
    const detection = evaluation.metrics.detection!;
    expect(detection.ap).toBeCloseTo(direct.stats.AP, 12);
    expect(detection.ap50).toBeCloseTo(direct.stats.AP50, 12);
    expect(detection.ar100).toBeCloseTo(direct.stats.AR100, 12);
    expect(detection.ap_small).toBeCloseTo(direct.stats.AP_small, 12);
    expect(Object.values(detection.per_class_ap)).toEqual(direct.perCategory.map((c) => expect.closeTo(c.ap, 12)));
    expect(detection.ap50).toBeGreaterThan(0);
  });

  it('classifies above chance, with a confusion matrix over every test item with a class', () => {
    const { classification } = evaluation.metrics;
    const total = classification.confusion.matrix.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(evaluation.counts.classified);
    expect(evaluation.counts.items).toBe(150);
    expect(classification.macro_f1).toBeGreaterThan(1 / classes.length);
  });

  it('groups bias by the camera field', () => {
    const { bias } = evaluation.metrics;
    expect(Object.keys(bias!.groups).sort()).toEqual(['a', 'b']);
    expect(bias!.groups.a!.items + bias!.groups.b!.items).toBe(evaluation.counts.classified);
    expect(bias!.max_delta).toBeCloseTo(Math.abs(bias!.groups.a!.macro_f1 - bias!.groups.b!.macro_f1), 15);
  });

  it('writes metrics and a calibration that validate against their schemas', () => {
    const ref = { path: 'datasets/shapes/v1/manifest.json', sha256: 'c'.repeat(64) };
    const metrics = buildArtifact('TrainingMetrics', {
      model: 'shapes',
      model_version: '1.0.0',
      dataset: { version: 'v1', manifest: ref, split: 'test', items: evaluation.counts.items },
      ...evaluation.metrics,
      training: null,
    });
    expect(metrics.detection).not.toBeNull();
    const calibration = buildArtifact('Calibration', {
      model: 'shapes',
      model_version: '1.0.0',
      method: 'isotonic',
      fitted_on: { dataset_version: 'v1', split: 'val' },
      ...evaluation.calibration!,
    });
    expect(Object.keys(calibration.classes)).toEqual([...classes]);
  });
});
