// `processUpload` on one upload at a time (route, decode once, run, calibrate, thresholds, record in
// an in-memory log, metrics) against the bare path for the same upload: `preprocessImage` and a plain
// onnxruntime `session.run` of the same model. Built-in model trained on 400 demo images (64 px),
// 256×256 demo PNG uploads; rounds alternate the two and each figure is the best of 5.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { Registry } from 'prom-client';
import { preprocessImage } from '../src/images/preprocess.js';
import { parseModelMetadata } from '../src/model/read-model-metadata.js';
import { DEFAULT_SESSION_OPTIONS } from '../src/model/session-options.js';
import { createDeployer } from '../src/serving/create-deployer.js';
import { MemoryUploadLog } from '../src/serving/memory-upload-log.js';
import { trainDemoModel } from '../test/evaluate/evaluate-fixtures.js';
import { ref, rolloutFile } from '../test/helpers/builders.js';
import { buildVersionFiles, createModelRepo, servingYaml, taxonomyFile } from '../test/serving/serving-repo.js';
import { buildDemoItems } from '../test/train/demo-items.js';
import type { Bench } from './types.js';

const ROUNDS = 5;

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 32 : 128;
  const { trained, classes } = await trainDemoModel(400);
  const metadata = parseModelMetadata(trained.model, 'model.onnx');
  const uploads = (await buildDemoItems({ seed: 3, count, imageSize: 256 })).items.map((item) => item.image as Uint8Array);
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-upload-'));
  const taxonomy = taxonomyFile('bench_v1', classes, metadata.regionClasses);
  const version = buildVersionFiles({ model: 'shapes', version: '1.0.0', taxonomy, onnx: trained.model, input: { width: metadata.inputWidth, height: metadata.inputHeight, mean: [...metadata.mean], std: [...metadata.std] } });
  await createModelRepo(root, [taxonomy, servingYaml(), ...version, rolloutFile('shapes', { production: { model_version: '1.0.0', manifest: ref(version[0]!) } })]);
  const deployer = await createDeployer({ repository: root, ref: 'main', model: 'shapes', log: new MemoryUploadLog(), watch: false, registry: new Registry() });
  const session = await ort.InferenceSession.create(trained.model, DEFAULT_SESSION_OPTIONS);
  const spec = { width: metadata.inputWidth, height: metadata.inputHeight, mean: metadata.mean, std: metadata.std };
  let uploadId = 0;
  const full = () =>
    timed(async () => {
      for (const [i, bytes] of uploads.entries()) await deployer.processUpload(bytes, { unitId: `user-${i}`, id: `u${uploadId++}` });
    });
  const bare = () =>
    timed(async () => {
      for (const bytes of uploads) {
        const { tensor } = await preprocessImage(bytes, spec);
        const input = new ort.Tensor('float32', tensor, [1, 3, spec.height, spec.width]);
        await session.run({ image: input });
      }
    });
  try {
    await full();
    await bare();
    let fullBest = Infinity;
    let bareBest = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      fullBest = Math.min(fullBest, await full());
      bareBest = Math.min(bareBest, await bare());
    }
    const ratio = fullBest / bareBest;
    return {
      name: 'process-upload',
      figures: [
        { label: 'processUpload per upload', value: (fullBest / count) * 1000, unit: 'ms' },
        { label: 'bare preprocessImage + session.run per upload', value: (bareBest / count) * 1000, unit: 'ms' },
        { label: 'processUpload / bare decode + session.run', value: ratio, unit: '×', target: '<= 1.15', ok: ratio <= 1.15 },
      ],
      notes: [`${count} demo PNG uploads of 256×256, one at a time, into a ${metadata.inputWidth} px built-in model; best of ${ROUNDS} alternating rounds`],
    };
  } finally {
    await Promise.all([deployer.close(), session.release()]);
    await rm(root, { recursive: true, force: true });
  }
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}
