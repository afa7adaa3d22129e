import * as ort from 'onnxruntime-node';
import { preprocessImage } from '../../src/images/preprocess.js';
import { evaluateCocoBoxes, type CocoDetection, type CocoGroundTruth } from '../../src/metrics/coco-eval.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import type { BuiltinTrainingItem } from '../../src/train/train-builtin-model.js';

/** Per-image predictions of a model, as onnxruntime returns them. */
export interface Predictions {
  classes: number[];
  /** Per image: the non-padding boxes, highest score first. */
  boxes: Array<Array<{ label: number; score: number; x: number; y: number; width: number; height: number }>>;
}

/** Runs the serialised model in onnxruntime on the items' images, `batch` at a time. */
export async function predictWithModel(model: Uint8Array, spec: ModelSpec, items: readonly BuiltinTrainingItem[], batch = 64): Promise<Predictions> {
  const size = spec.extractor.inputSize;
  const session = await ort.InferenceSession.create(model);
  const predictions: Predictions = { classes: [], boxes: [] };
  try {
    for (let start = 0; start < items.length; start += batch) {
      const chunk = items.slice(start, start + batch);
      const tensors = await Promise.all(chunk.map(async (item) => (await preprocessImage(item.image as Uint8Array, { width: size, height: size, mean: spec.mean, std: spec.std })).tensor));
      const input = new Float32Array(chunk.length * 3 * size * size);
      tensors.forEach((tensor, i) => input.set(tensor, i * tensor.length));
      const out = await session.run({ image: new ort.Tensor('float32', input, [chunk.length, 3, size, size]) });
      const scores = out.class_scores!.data as Float32Array;
      const boxes = out.boxes!.data as Float32Array;
      const boxScores = out.box_scores!.data as Float32Array;
      const labels = out.box_labels!.data as BigInt64Array;
      const classes = spec.classes.length;
      const k = spec.postprocess.maxBoxes;
      for (let n = 0; n < chunk.length; n++) {
        const row = Array.from(scores.subarray(n * classes, (n + 1) * classes));
        predictions.classes.push(row.indexOf(Math.max(...row)));
        const kept = [];
        for (let r = 0; r < k; r++) {
          const label = Number(labels[n * k + r]!);
          if (label < 0) continue;
          const [x, y, width, height] = boxes.subarray((n * k + r) * 4, (n * k + r + 1) * 4);
          kept.push({ label, score: boxScores[n * k + r]!, x: x!, y: y!, width: width!, height: height! });
        }
        predictions.boxes.push(kept);
      }
    }
  } finally {
    await session.release();
  }
  return predictions;
}

/** Per-class F1 and their mean, from true and predicted class indices. */
export function macroF1(truth: readonly number[], predicted: readonly number[], classCount: number): { perClass: number[]; macro: number } {
  const perClass = Array.from({ length: classCount }, (_, c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      if (predicted[i] === c && t === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (t === c) fn++;
    });
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return { perClass, macro: perClass.reduce((a, b) => a + b, 0) / classCount };
}

type Box = { x: number; y: number; width: number; height: number };

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** One image's ground-truth boxes in 0–1 of the image, with region class indices. */
export type TruthBoxes = ReadonlyArray<Box & { label: number }>;

/**
 * COCO box figures of the predictions against the truth, from the project's evaluator (pycocotools'
 * results): AP50 and AP@[.5:.95] over all region classes, and AP@[.5:.95] per class. Boxes are scaled to
 * `imageSize` pixels so that the area ranges mean what they do in COCO.
 */
export function evaluateBoxes(truth: readonly TruthBoxes[], predictions: Predictions, regionClasses: readonly string[], imageSize: number): { ap50: number; ap: number; perClassAp: number[] } {
  const bbox = (box: Box): number[] => [box.x * imageSize, box.y * imageSize, box.width * imageSize, box.height * imageSize];
  const groundTruth: CocoGroundTruth = {
    images: truth.map((_, n) => ({ id: n + 1 })),
    annotations: truth.flatMap((boxes, n) => boxes.map((box) => ({ image_id: n + 1, category_id: box.label + 1, bbox: bbox(box) }))).map((annotation, i) => ({ id: i + 1, ...annotation })),
    categories: regionClasses.map((name, k) => ({ id: k + 1, name })),
  };
  const detections: CocoDetection[] = predictions.boxes.flatMap((boxes, n) => boxes.map((box) => ({ image_id: n + 1, category_id: box.label + 1, bbox: bbox(box), score: box.score })));
  const result = evaluateCocoBoxes(groundTruth, detections);
  return { ap50: result.stats.AP50, ap: result.stats.AP, perClassAp: result.perCategory.map((category) => category.ap) };
}
