// Upload-time inference with the default built-in model (trained on 500 demo images of 64×64 before
// any timing): images/s of the full path a served upload takes — decode the PNG or JPEG bytes with
// sharp, resize 256 → 64, normalise (`preprocessImage`), `session.run` and read the outputs into
// predictions (`OpenedModel.run`) — at batch 1 and batch 32, and the ratio of its per-image time to a
// bare `session.run` on the same, already prepared tensors, measured in the same run (rounds alternate
// the two). Each figure is the best of 3 rounds over the same images.
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { sha256Hex } from '../src/artifacts/canonical-json.js';
import { buildDemoDataset, renderDemoScene } from '../src/demo/index.js';
import { predictItems } from '../src/evaluate/predict-items.js';
import { preprocessImage } from '../src/images/preprocess.js';
import { openModel, type OpenedModel } from '../src/model/open-model.js';
import { trainBuiltinModel } from '../src/train/train-builtin-model.js';
import { buildDemoItems } from '../test/train/demo-items.js';
import { datasetItem } from '../test/evaluate/evaluate-fixtures.js';
import type { Bench, BenchFigure } from './types.js';

const UPLOAD_SIZE = 256;
const BATCHES = [1, 32] as const;
const ROUNDS = 3;

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 64 : 256;
  const demo = await buildDemoItems({ seed: 42, count: 500 });
  const trained = await trainBuiltinModel(demo.items, { classes: demo.classes, regionClasses: demo.classes });
  const uploads = await encodeUploads(count);
  const model = await openModel(trained.model, { expectedSha256: sha256Hex(trained.model), file: 'model.onnx', taxonomy: { classes: demo.classes, regionClasses: demo.classes } });
  const session = await ort.InferenceSession.create(trained.model);
  const figures: BenchFigure[] = [];
  try {
    for (const format of ['png', 'jpeg'] as const) {
      const images = uploads[format];
      const prepared = await Promise.all(images.map(async (bytes) => (await preprocessImage(bytes, model.inputSpec)).tensor));
      for (const batch of BATCHES) {
        await fullPath(model, images.slice(0, batch), batch);
        // Alternate the two in each round, so that a busy machine slows both alike.
        let fullBest = Infinity;
        let bareBest = Infinity;
        for (let round = 0; round < ROUNDS; round++) {
          fullBest = Math.min(fullBest, await fullPath(model, images, batch));
          bareBest = Math.min(bareBest, await bareRun(session, prepared, batch, model.inputSpec.width));
        }
        figures.push(
          { label: `${format.toUpperCase()} upload path, batch ${batch}`, value: count / fullBest, unit: 'images/s' },
          { label: `${format.toUpperCase()} bare session.run, batch ${batch}`, value: count / bareBest, unit: 'images/s' },
          { label: `${format.toUpperCase()} upload path / bare session.run per image, batch ${batch}`, value: fullBest / bareBest, unit: '×' },
        );
      }
    }
    const items = uploads.png.map((_, i) => datasetItem({ id: String(i) }));
    const evaluation = best(await rounds(() => timed(() => predictItems(model, items, async (item) => uploads.png[Number(item.id)]!, { batchSize: 32 }))));
    figures.push({ label: 'predictItems (evaluation: decodes overlap inference), PNG, batch 32', value: count / evaluation, unit: 'images/s' });
  } finally {
    await Promise.all([model.close(), session.release()]);
  }
  return {
    name: 'inference',
    figures,
    notes: [
      `${count} demo images of ${UPLOAD_SIZE}×${UPLOAD_SIZE} (PNG ~${kb(uploads.png)} KB, JPEG q85 ~${kb(uploads.jpeg)} KB) resized to ${model.inputSpec.width}×${model.inputSpec.height}; best of ${ROUNDS} rounds`,
      `bare: session.run on tensors prepared beforehand, same batch sizes; a batch of the upload path decodes its images concurrently, then runs them at once`,
    ],
  };
};

async function encodeUploads(count: number): Promise<{ png: Uint8Array[]; jpeg: Uint8Array[] }> {
  const { scenes } = buildDemoDataset({ seed: 3, count, newTaskCount: 0, imageSize: UPLOAD_SIZE });
  const raw = { width: UPLOAD_SIZE, height: UPLOAD_SIZE, channels: 3 as const };
  const png: Uint8Array[] = [];
  const jpeg: Uint8Array[] = [];
  for (const scene of scenes) {
    const pixels = renderDemoScene(scene);
    png.push(await sharp(pixels, { raw }).png().toBuffer());
    jpeg.push(await sharp(pixels, { raw }).jpeg({ quality: 85 }).toBuffer());
  }
  return { png, jpeg };
}

/** Seconds for every upload through decode, resize, normalise, run and output reading, `batch` at a time. */
async function fullPath(model: OpenedModel, images: readonly Uint8Array[], batch: number): Promise<number> {
  return timed(async () => {
    for (let start = 0; start < images.length; start += batch) {
      const chunk = images.slice(start, start + batch);
      const tensors = await Promise.all(chunk.map(async (bytes) => (await preprocessImage(bytes, model.inputSpec)).tensor));
      const input = new Float32Array(tensors.length * model.imageLength);
      tensors.forEach((tensor, i) => input.set(tensor, i * model.imageLength));
      await model.run(input);
    }
  });
}

/** Seconds for `session.run` alone on the prepared tensors, `batch` at a time (batches assembled beforehand). */
async function bareRun(session: ort.InferenceSession, prepared: readonly Float32Array[], batch: number, size: number): Promise<number> {
  const inputs: ort.Tensor[] = [];
  for (let start = 0; start < prepared.length; start += batch) {
    const chunk = prepared.slice(start, start + batch);
    const data = new Float32Array(chunk.length * chunk[0]!.length);
    chunk.forEach((tensor, i) => data.set(tensor, i * tensor.length));
    inputs.push(new ort.Tensor('float32', data, [chunk.length, 3, size, size]));
  }
  await session.run({ image: inputs[0]! });
  return timed(async () => {
    for (const input of inputs) await session.run({ image: input });
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

async function rounds(run: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await run());
  return times;
}

function best(times: readonly number[]): number {
  return Math.min(...times);
}

function kb(images: readonly Uint8Array[]): number {
  return Math.round(images.reduce((sum, bytes) => sum + bytes.length, 0) / images.length / 1024);
}
