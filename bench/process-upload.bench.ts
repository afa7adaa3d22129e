// `processUpload` on one upload at a time (route, decode once, run, calibrate, thresholds, record in
// an in-memory log, metrics) against the bare path for the same upload: `preprocessImage` and a plain
// onnxruntime `session.run` of the same model. Built-in model trained on 400 demo images (64 px),
// 256×256 demo PNG uploads; the two paths alternate upload by upload, the ratio is the median of 7 rounds.
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

const ROUNDS = 7;

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
  const full = (bytes: Uint8Array, i: number) => deployer.processUpload(bytes, { unitId: `user-${i}`, id: `u${uploadId++}` });
  const bare = async (bytes: Uint8Array) => {
    const { tensor } = await preprocessImage(bytes, spec);
    await session.run({ image: new ort.Tensor('float32', tensor, [1, 3, spec.height, spec.width]) });
  };
  try {
    // Upload by upload, the two paths alternate (and swap order each upload), so a busy shared
    // machine slows both alike; a round's figure is its total over all uploads.
    const rounds: Array<{ full: number; bare: number }> = [];
    for (let round = 0; round <= ROUNDS; round++) {
      let fullTime = 0;
      let bareTime = 0;
      for (const [i, bytes] of uploads.entries()) {
        const order = i % 2 === 0 ? (['full', 'bare'] as const) : (['bare', 'full'] as const);
        for (const path of order) {
          const start = performance.now();
          await (path === 'full' ? full(bytes, i) : bare(bytes));
          if (path === 'full') fullTime += performance.now() - start;
          else bareTime += performance.now() - start;
        }
      }
      if (round > 0) rounds.push({ full: fullTime / count, bare: bareTime / count }); // round 0 warms up
    }
    const ratios = rounds.map((r) => r.full / r.bare).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)]!;
    const fullBest = Math.min(...rounds.map((r) => r.full));
    const bareBest = Math.min(...rounds.map((r) => r.bare));
    return {
      name: 'process-upload',
      figures: [
        { label: 'processUpload per upload (best round)', value: fullBest, unit: 'ms' },
        { label: 'bare preprocessImage + session.run per upload (best round)', value: bareBest, unit: 'ms' },
        { label: 'processUpload / bare decode + session.run (median of rounds)', value: ratio, unit: '×', target: '<= 1.15', ok: ratio <= 1.15 },
      ],
      notes: [`${count} demo PNG uploads of 256×256, one at a time, into a ${metadata.inputWidth} px built-in model; ${ROUNDS} rounds after a warm-up, the two paths alternating upload by upload; round ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`],
    };
  } finally {
    await Promise.all([deployer.close(), session.release()]);
    await rm(root, { recursive: true, force: true });
  }
};
