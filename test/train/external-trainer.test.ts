import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { InputError, PolicyError } from '../../src/errors.js';
import { rejection } from '../helpers/rejection.js';
import { preprocessImage } from '../../src/images/preprocess.js';
import { parseModelMetadata } from '../../src/model/read-model-metadata.js';
import { EXTERNAL_TRAINER_SCHEMA, planTrainerItems, runExternalTrainer } from '../../src/train/external-trainer.js';
import { CLASSES, REGION_CLASSES, INPUT, colourImage, datasetItem, type Fixture, createScratchFixture, trainerOptions, tinyModel } from './external-trainer-fixtures.js';

let scratch: string;
let fixture: Fixture;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ scratch, fixture, cleanup } = await createScratchFixture());
});
afterAll(() => cleanup());

describe('runExternalTrainer with the example trainer', () => {
  it('trains a model that onnxruntime loads and that names the held-out colours', async () => {
    const workDir = join(scratch, 'example-run');
    const lines: Array<[string, string]> = [];
    const result = await runExternalTrainer(trainerOptions(fixture, { workDir, onLog: (line, stream) => lines.push([line, stream]) }));

    expect(result.sha256).toBe(sha256Hex(result.model));
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.logTail.at(-1)).toMatch(/^wrote .*output\/model\.onnx/);
    expect(lines.map(([line]) => line)).toContain('colours: 27 train, 9 val items; input 32×32, 4×4 cells');
    expect(existsSync(workDir)).toBe(false);

    const metadata = parseModelMetadata(result.model);
    expect(metadata).toMatchObject({ classes: CLASSES, regionClasses: [], grid: 1, inputWidth: 32, inputHeight: 32, mean: INPUT.mean });

    // Scored the way serving scores: cairn's own preprocessing, then onnxruntime.
    const test = fixture.items.filter((item) => item.split === 'test');
    const session = await ort.InferenceSession.create(result.model);
    let right = 0;
    for (const item of test) {
      const { tensor } = await preprocessImage(fixture.bytes.get(item.id)!, INPUT);
      const output = await session.run({ image: new ort.Tensor('float32', tensor, [1, 3, 32, 32]) });
      const scores = Array.from(output.class_scores!.data as Float32Array);
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (CLASSES[scores.indexOf(Math.max(...scores))] === fixture.truth.get(item.id)) right++;
    }
    expect(test).toHaveLength(9);
    console.info(`example trainer: ${right}/${test.length} held-out right; ${result.logTail.join(' | ')}`);
    expect(right / test.length).toBeGreaterThanOrEqual(8 / 9);
  });

  it('gives the same model bytes for the same data and config', async () => {
    const small = { ...fixture, items: fixture.items.filter((_, index) => index % 3 === 0) };
    const first = await runExternalTrainer(trainerOptions(small, { config: { epochs: 20 } }));
    const second = await runExternalTrainer(trainerOptions(small, { config: { epochs: 20 } }));
    expect(second.sha256).toBe(first.sha256);
  });
});

describe('the work directory handed to the trainer', () => {
  let snapshot: string;
  let logged: string[];
  let reads: string[];
  let result: Awaited<ReturnType<typeof runExternalTrainer>>;

  beforeAll(async () => {
    snapshot = join(scratch, 'snapshot');
    const fixtureModel = join(scratch, 'fixture.onnx');
    await writeFile(fixtureModel, tinyModel(CLASSES, []));
    const red = await colourImage('red', 1);
    const blue = await colourImage('blue', 2);
    const rotated = { label: 'square', x: 0.5, y: 0.1, width: 0.2, height: 0.4, rotation: 90, envelope: { x: 0.1, y: 0.1, width: 0.4, height: 0.2 } };
    const items = [
      datasetItem('a', 'train', red, { classes: ['red'], meta: { camera: 'x1' }, regions: [{ label: 'square', x: 0.1, y: 0.2, width: 0.3, height: 0.4, rotation: 0 }] }),
      // Same bytes as `a` under another URL: one file, one read per distinct sha256.
      datasetItem('b', 'train', red, { regions: [rotated] }),
      datasetItem('c', 'val', blue, { classes: ['blue'] }),
    ];
    const bytes = new Map([['a', red], ['b', red], ['c', blue]]);
    const labels = [
      { itemId: 'a', label: 'red', source: 'human' as const, weight: 1 },
      { itemId: 'c', label: 'blue', source: 'weak' as const, weight: 0.4 },
    ];
    logged = [];
    reads = [];
    result = await runExternalTrainer({
      command: 'cp -R "$CAIRN_WORK_DIR/." "$SNAPSHOT" && echo "$CAIRN_CONFIG $CAIRN_TRAIN $CAIRN_VAL $CAIRN_OUTPUT" && cp "$FIXTURE" "$CAIRN_OUTPUT/model.onnx"',
      cwd: scratch,
      model: 'colours',
      config: { epochs: 5, note: 'as in model.yaml' },
      classes: CLASSES,
      regionClasses: REGION_CLASSES,
      input: INPUT,
      train: planTrainerItems(items.slice(0, 2), labels),
      val: planTrainerItems(items.slice(2), labels),
      readImage: async (item) => {
        reads.push(item.id);
        return bytes.get(item.id)!;
      },
      env: { SNAPSHOT: snapshot, FIXTURE: fixtureModel },
      onLog: (line) => logged.push(line),
    });
  });

  it('writes config.json with the contract version, classes, suggested input, trainer config and paths', async () => {
    const config = JSON.parse(await readFile(join(snapshot, 'config.json'), 'utf8'));
    expect(config).toEqual({
      schema: EXTERNAL_TRAINER_SCHEMA,
      model: 'colours',
      config: { epochs: 5, note: 'as in model.yaml' },
      classes: CLASSES,
      region_classes: REGION_CLASSES,
      input: INPUT,
      paths: { train: 'train.jsonl', val: 'val.jsonl', images: 'images', output: 'output', model: 'output/model.onnx' },
      counts: { train: 2, val: 1, images: 2 },
    });
  });

  it('writes one line per item with its image, resolved label and upright envelopes', async () => {
    const train = (await readFile(join(snapshot, 'train.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    const val = (await readFile(join(snapshot, 'val.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    const redSha = sha256Hex(await colourImage('red', 1));
    expect(train).toEqual([
      {
        id: 'a',
        image: { path: `images/${redSha}.png`, sha256: redSha, width: 40, height: 40 },
        label: { name: 'red', weight: 1, source: 'human' },
        regions: [{ label: 'square', x: 0.1, y: 0.2, width: 0.3, height: 0.4, rotation: 0, envelope: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 } }],
        meta: { camera: 'x1' },
      },
      {
        id: 'b',
        image: { path: `images/${redSha}.png`, sha256: redSha, width: 40, height: 40 },
        label: null,
        regions: [{ label: 'square', x: 0.5, y: 0.1, width: 0.2, height: 0.4, rotation: 90, envelope: { x: 0.1, y: 0.1, width: 0.4, height: 0.2 } }],
        meta: {},
      },
    ]);
    expect(val.map((line) => [line.id, line.label])).toEqual([['c', { name: 'blue', weight: 0.4, source: 'weak' }]]);
  });

  it('materialises each distinct image once, byte for byte, and leaves output/ for the model', async () => {
    expect(reads.sort()).toEqual(['a', 'c']);
    const images = await readdir(join(snapshot, 'images'));
    expect(images).toHaveLength(2);
    for (const name of images) expect(sha256Hex(await readFile(join(snapshot, 'images', name)))).toBe(name.replace('.png', ''));
    expect(await readdir(join(snapshot, 'output'))).toEqual([]);
  });

  it('points the CAIRN_* variables at absolute paths and returns the model it wrote', () => {
    const [config, train, val, output] = logged[0]!.split(' ');
    expect(config).toMatch(/^\/.*\/config\.json$/);
    expect([train, val, output]).toEqual([config!.replace('config.json', 'train.jsonl'), config!.replace('config.json', 'val.jsonl'), config!.replace('config.json', 'output')]);
    expect(existsSync(config!)).toBe(false);
    expect(parseModelMetadata(result.model).classes).toEqual(CLASSES);
  });

  it('refuses test-split items before running anything', async () => {
    const options = trainerOptions(fixture, { command: 'touch "$MARK"', env: { MARK: join(scratch, 'ran') } });
    const test = planTrainerItems(fixture.items.filter((item) => item.split === 'test'), []);
    await expect(runExternalTrainer({ ...options, train: [...options.train, ...test] })).rejects.toThrow(PolicyError);
    expect(existsSync(join(scratch, 'ran'))).toBe(false);
  });
});

describe('an image the external trainer cannot be handed', () => {
  it.each([
    ['empty', () => new Uint8Array(0), 'image-unreadable'],
    ['cut in half', (png: Uint8Array) => png.subarray(0, Math.floor(png.length / 2)), 'image-truncated'],
  ])('is refused naming the item, its file and the rule when %s, before the command runs', async (_name, damage, rule) => {
    const [first] = fixture.items.filter((item) => item.split === 'train');
    const options = trainerOptions(fixture, {
      command: 'touch "$MARK"',
      env: { MARK: join(scratch, `ran-${rule}`) },
      readImage: async (item) => (item.id === first!.id ? damage(fixture.bytes.get(item.id)!) : fixture.bytes.get(item.id)!),
    });
    const stripped = { ...options, train: options.train.map((entry) => ({ ...entry, item: { ...entry.item, image: { ...entry.item.image, sha256: null } } })) };

    const error = await rejection(runExternalTrainer(stripped));

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toMatchObject({ item: first!.id, file: first!.image.url, rule });
    expect(existsSync(join(scratch, `ran-${rule}`))).toBe(false);
  });
});
