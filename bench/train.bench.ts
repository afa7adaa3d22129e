// The built-in trainer end to end on 10,000 demo images of 64×64 (1,000 when quick): PNG decoding,
// feature extraction in onnxruntime, the heads in TypeScript and the ONNX model. The images are
// generated and encoded in memory beforehand, outside the timing. The target is at most 60 s. The
// model is then scored on 500 held-out images (macro F1 ≥ 0.90 and COCO AP50 ≥ 0.50, decision 0004).
import { performance } from 'node:perf_hooks';
import { trainBuiltinModel, type TrainingPhase } from '../src/train/train-builtin-model.js';
import { buildDemoItems } from '../test/train/demo-items.js';
import { evaluateBoxes, macroF1, predictWithModel } from '../test/train/evaluate-model.js';
import type { Bench, BenchFigure } from './types.js';

const HELD_OUT = 500;

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 1_000 : 10_000;
  const demo = await buildDemoItems({ seed: 42, count: count + HELD_OUT });
  const phaseStarts = new Map<TrainingPhase, number>();
  const start = performance.now();
  const trained = await trainBuiltinModel(demo.items.slice(0, count), {
    classes: demo.classes,
    regionClasses: demo.classes,
    onProgress: (_done, _total, phase) => {
      if (!phaseStarts.has(phase)) phaseStarts.set(phase, performance.now());
    },
  });
  const end = performance.now();
  const seconds = (from: number, to: number) => (to - from) / 1000;
  const headsStart = phaseStarts.get('heads') ?? end;
  const modelStart = phaseStarts.get('model') ?? end;
  const total = seconds(start, end);

  const heldOut = demo.items.slice(count);
  const predictions = await predictWithModel(trained.model, trained.spec, heldOut);
  const truth = demo.scenes.slice(count).map((scene) => demo.classes.indexOf(scene.label));
  const f1 = macroF1(truth, predictions.classes, demo.classes.length).macro;
  const boxes = heldOut.map((item) => item.regions.map((region) => ({ ...region, label: demo.classes.indexOf(region.label) })));
  const { ap50, ap } = evaluateBoxes(boxes, predictions, demo.classes, trained.spec.extractor.inputSize);

  const figures: BenchFigure[] = [
    { label: `trainBuiltinModel, ${count} images`, value: total, unit: 's', ...(quick ? {} : { target: '<= 60', ok: total <= 60 }) },
    { label: 'decode + feature extraction', value: count / seconds(start, headsStart), unit: 'images/s' },
    { label: 'head training', value: seconds(headsStart, modelStart), unit: 's' },
    { label: 'model build', value: seconds(modelStart, end), unit: 's' },
    { label: `held-out macro F1, ${HELD_OUT} images`, value: f1, unit: '', target: '>= 0.90', ok: f1 >= 0.9 },
    { label: `held-out COCO AP50, ${HELD_OUT} images`, value: ap50, unit: '', target: '>= 0.50', ok: ap50 >= 0.5 },
    { label: `held-out COCO AP@[.5:.95], ${HELD_OUT} images`, value: ap, unit: '' },
  ];
  const { stats } = trained;
  return {
    name: 'train',
    figures,
    notes: [
      `epochs: class ${stats.classHead.epochs}, objectness ${stats.objectness.epochs}, region classes ${stats.regionClasses.epochs}, boxes ${stats.boxes.epochs}; ${stats.positiveCells} object cells`,
      `model ${trained.model.length} bytes; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (includes the in-memory demo images)`,
    ],
  };
};
