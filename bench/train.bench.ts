// The built-in trainer end to end on 10,000 demo images of 64×64 (1,000 when quick): PNG decoding,
// feature extraction in onnxruntime, the heads in TypeScript and the ONNX model. The images are
// generated and encoded in memory beforehand, outside the timing. The target is at most 60 s.
import { performance } from 'node:perf_hooks';
import { trainBuiltinModel, type TrainingPhase } from '../src/train/train-builtin-model.js';
import { buildDemoItems } from '../test/train/demo-items.js';
import type { Bench, BenchFigure } from './types.js';

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 1_000 : 10_000;
  const demo = await buildDemoItems({ seed: 42, count });
  const phaseStarts = new Map<TrainingPhase, number>();
  const start = performance.now();
  const trained = await trainBuiltinModel(demo.items, {
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
  const figures: BenchFigure[] = [
    { label: `trainBuiltinModel, ${count} images`, value: total, unit: 's', ...(quick ? {} : { target: '<= 60', ok: total <= 60 }) },
    { label: 'decode + feature extraction', value: count / seconds(start, headsStart), unit: 'images/s' },
    { label: 'head training', value: seconds(headsStart, modelStart), unit: 's' },
    { label: 'model build', value: seconds(modelStart, end), unit: 's' },
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
