import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { GraphBuilder, encodeModel } from '../../src/model/graph-builder.js';
import { MODEL_FORMAT_VERSION, buildMetadataEntries } from '../../src/model/model-metadata.js';
import { ElementType } from '../../src/model/onnx-proto.js';
import { planTrainerItems, type ExternalTrainerOptions, type TrainerItem } from '../../src/train/external-trainer.js';

export const EXAMPLE = resolve(import.meta.dirname, '../../examples/external-trainer');
export const CLASSES = ['red', 'green', 'blue'];
export const REGION_CLASSES = ['square'];
export const COLOURS: Record<string, [number, number, number]> = { red: [200, 40, 40], green: [40, 180, 60], blue: [40, 60, 200] };
export const INPUT = { width: 32, height: 32, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** A 40×40 PNG: the class colour, jittered per image, with a grey square drawn somewhere on it. */
export async function colourImage(name: string, index: number): Promise<Uint8Array> {
  const jitter = (value: number, k: number): number => Math.max(0, Math.min(255, value + (((index * 37 + k * 11) % 41) - 20)));
  const [r, g, b] = COLOURS[name]!;
  const patch = await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  return sharp({ create: { width: 40, height: 40, channels: 3, background: { r: jitter(r, 1), g: jitter(g, 2), b: jitter(b, 3) } } })
    .composite([{ input: patch, left: (index * 7) % 28, top: (index * 13) % 28 }])
    .png()
    .toBuffer();
}

export function datasetItem(id: string, split: DatasetItem['split'], image: Uint8Array, overrides: Partial<DatasetItem> = {}): DatasetItem {
  return {
    schema: 'DatasetItem/v1',
    id,
    split,
    image: { url: `s3://bucket/${id}.png`, sha256: sha256Hex(image), width: 40, height: 40 },
    classes: [],
    regions: [],
    annotation: { task_id: 1, annotation_id: 1, completed_by: 1, ground_truth: false, updated_at: '2025-01-01T00:00:00.000Z' },
    meta: {},
    ...overrides,
  };
}

export interface Fixture {
  items: DatasetItem[];
  bytes: Map<string, Uint8Array>;
  truth: Map<string, string>;
}

/** `perClass` images of each colour; every fifth is val and every fifth after that is test. */
async function buildFixture(perClass: number): Promise<Fixture> {
  const items: DatasetItem[] = [];
  const bytes = new Map<string, Uint8Array>();
  const truth = new Map<string, string>();
  for (const name of CLASSES) {
    for (let i = 0; i < perClass; i++) {
      const id = `${name}-${i}`;
      const image = await colourImage(name, i);
      const split = i % 5 === 3 ? 'val' : i % 5 === 4 ? 'test' : 'train';
      items.push(datasetItem(id, split, image, { classes: [name] }));
      bytes.set(id, image);
      truth.set(id, name);
    }
  }
  return { items, bytes, truth };
}

/** A scratch directory and 15 images of each colour, for one test file; `cleanup` removes the directory. */
export async function createScratchFixture(): Promise<{ scratch: string; fixture: Fixture; cleanup: () => Promise<void> }> {
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-external-test-'));
  return { scratch, fixture: await buildFixture(15), cleanup: () => rm(scratch, { recursive: true, force: true }) };
}

export function trainerOptions(fixture: Fixture, overrides: Partial<ExternalTrainerOptions>): ExternalTrainerOptions {
  const labels = fixture.items.flatMap((item) => (item.classes[0] ? [{ itemId: item.id, label: item.classes[0], source: 'human' as const, weight: 1 }] : []));
  const of = (split: DatasetItem['split']): TrainerItem[] => planTrainerItems(fixture.items.filter((item) => item.split === split), labels);
  return {
    command: 'node train.mjs',
    cwd: EXAMPLE,
    model: 'colours',
    config: { epochs: 200 },
    classes: CLASSES,
    regionClasses: REGION_CLASSES,
    input: INPUT,
    train: of('train'),
    val: of('val'),
    readImage: async (item) => fixture.bytes.get(item.id)!,
    ...overrides,
  };
}

/** A minimal model in cairn's contract: mean colour → Gemm → Softmax, declaring the given names. */
export function tinyModel(classes: readonly string[], regionClasses: readonly string[]): Uint8Array {
  const graph = new GraphBuilder();
  graph.node('GlobalAveragePool', ['image'], 'pooled');
  graph.node('Flatten', ['pooled'], 'features', { axis: 1 });
  graph.floats('weights', [3, classes.length], new Array(3 * classes.length).fill(0));
  graph.node('MatMul', ['features', 'weights'], 'logits');
  graph.node('Softmax', ['logits'], 'class_scores', { axis: 1 });
  const proto = graph.buildGraph('tiny', [{ name: 'image', type: ElementType.float, dims: ['N', 3, 8, 8] }], [
    { name: 'class_scores', type: ElementType.float, dims: ['N', classes.length] },
  ]);
  const metadata = { formatVersion: MODEL_FORMAT_VERSION, inputWidth: 8, inputHeight: 8, mean: [0, 0, 0], std: [1, 1, 1], classes, regionClasses, grid: 1 };
  return encodeModel(proto, buildMetadataEntries(metadata));
}


/** Zombies count as gone: in a container nothing may reap the orphans. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
