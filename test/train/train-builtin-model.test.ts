import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseModelMetadata } from '../../src/model/read-model-metadata.js';
import { trainBuiltinModel, type BuiltinModel, type TrainingPhase } from '../../src/train/train-builtin-model.js';
import { buildDemoItems, type DemoItems } from './demo-items.js';
import { evaluateBoxes, macroF1, predictWithModel } from './evaluate-model.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const QUICK = { minSteps: 100, classHead: { epochs: 2 }, objectness: { epochs: 1 }, regionClasses: { epochs: 2 }, boxes: { epochs: 2 } };

describe('trainBuiltinModel on the demo dataset', () => {
  // 1,500 images of 64×64: the first 1,200 train, the last 300 are held out.
  const TRAIN = 1200;
  let demo: DemoItems;
  let trained: BuiltinModel;
  let figures: { macroF1: number; perClass: number[]; ap50: number; ap: number };

  beforeAll(async () => {
    demo = await buildDemoItems({ seed: 42, count: 1500 });
    trained = await trainBuiltinModel(demo.items.slice(0, TRAIN), { classes: demo.classes, regionClasses: demo.classes });
    const heldOut = demo.items.slice(TRAIN);
    const predictions = await predictWithModel(trained.model, trained.spec, heldOut);
    const truth = demo.scenes.slice(TRAIN).map((scene) => demo.classes.indexOf(scene.label));
    const f1 = macroF1(truth, predictions.classes, demo.classes.length);
    const boxes = heldOut.map((item) => item.regions.map((region) => ({ ...region, label: demo.classes.indexOf(region.label) })));
    const coco = evaluateBoxes(boxes, predictions, demo.classes, 64);
    figures = { macroF1: f1.macro, perClass: f1.perClass, ap50: coco.ap50, ap: coco.ap };
    console.info(`demo held-out: ${JSON.stringify(figures)}; stats ${JSON.stringify(trained.stats)}`);
  }, 120_000);

  it('builds a model whose metadata names the classes, the grid and the input size', () => {
    const metadata = parseModelMetadata(trained.model);
    expect(metadata).toMatchObject({ classes: demo.classes, regionClasses: demo.classes, grid: 8, inputWidth: 64, maxBoxes: 20 });
    expect(trained.stats.classHead.rows).toBe(TRAIN);
  });

  // Measured: macro F1 0.915 and AP50 0.90 here; 0.95 and 0.93 when trained on 10,000 images (decision 0004).
  it('reaches macro F1 ≥ 0.90 on held-out images, every class above 0.85', () => {
    expect(figures.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...figures.perClass)).toBeGreaterThan(0.85);
  });

  it('reaches COCO AP50 ≥ 0.50 on the held-out boxes', () => {
    expect(figures.ap50).toBeGreaterThanOrEqual(0.5);
  });
});

describe('trainBuiltinModel', () => {
  let small: DemoItems;
  beforeAll(async () => {
    small = await buildDemoItems({ seed: 5, count: 40 });
  });

  it('gives byte-identical models for the same items and config, and reports each phase in order', async () => {
    const phases: TrainingPhase[] = [];
    const progress: Array<[number, number, TrainingPhase]> = [];
    const options = { classes: small.classes, regionClasses: small.classes, config: QUICK, featureBatchSize: 16 };
    const first = await trainBuiltinModel(small.items, {
      ...options,
      onProgress: (done, total, phase) => {
        progress.push([done, total, phase]);
        if (phases.at(-1) !== phase) phases.push(phase);
      },
    });
    // Images as lazy loaders this time: the source of the bytes must not matter.
    const lazy = small.items.map((item) => ({ ...item, image: async () => item.image as Uint8Array }));
    const second = await trainBuiltinModel(lazy, options);
    expect(sha256(second.model)).toBe(sha256(first.model));
    expect(phases).toEqual(['features', 'heads', 'model']);
    expect(progress.filter(([, , phase]) => phase === 'features').at(-1)).toEqual([40, 40, 'features']);
    expect(progress.at(-1)).toEqual([1, 1, 'model']);
  });

  it('changes the model when the seed changes', async () => {
    const options = { classes: small.classes, regionClasses: small.classes };
    const a = await trainBuiltinModel(small.items, { ...options, config: QUICK });
    const b = await trainBuiltinModel(small.items, { ...options, config: { ...QUICK, seed: 1 } });
    expect(sha256(a.model)).not.toBe(sha256(b.model));
  });

  it('refuses a label outside the model class lists, naming the item', async () => {
    const items = small.items.map((item, n) => (n === 3 ? { ...item, label: { name: 'hexagon', weight: 1 } } : item));
    const error = await trainBuiltinModel(items, { classes: small.classes, regionClasses: small.classes }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toMatchObject({ item: '4', rule: 'unknown-class', label: 'hexagon' });
  });

  it('names the item whose image cannot be decoded', async () => {
    const items = small.items.map((item, n) => (n === 7 ? { ...item, image: new Uint8Array([1, 2, 3]) } : item));
    const error = await trainBuiltinModel(items, { classes: small.classes, regionClasses: small.classes, config: QUICK }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toMatchObject({ file: '8', rule: 'image-format' });
  });
});
