import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Registry } from 'prom-client';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { preprocessImage } from '../../src/images/preprocess.js';
import { openModel } from '../../src/model/open-model.js';
import { createDeployer, type Deployer, type DeployerOptions, type ReloadEvent } from '../../src/serving/create-deployer.js';
import { routeBucket } from '../../src/serving/decide-route.js';
import { MemoryUploadLog } from '../../src/serving/memory-upload-log.js';
import { solidPng } from '../evaluate/contract-model.js';
import { tempDir } from '../helpers/git.js';
import { CLASSES, MODEL, ONNX, REGION_CLASSES } from './serving-repo.js';

export const NOW = new Date('2026-12-02T08:00:00.000Z');
export const RED = solidPng([220, 30, 30]);
export const GREY = solidPng([128, 128, 128]);

export interface DeployerHarness {
  /** A fresh temporary directory per test; the repository goes in `models/` below it. */
  dir: string;
  log: MemoryUploadLog;
  events: ReloadEvent[];
  lines: string[];
  /** A deployer of `models/` at `main`: fixed clock (12.5 ms per upload), ids upload-1, upload-2, …, no interval. Closed after the test. */
  start(options?: Partial<DeployerOptions>): Promise<Deployer>;
}

/** Registers the per-test setup and teardown and returns what the tests use. */
export function useDeployerHarness(): DeployerHarness {
  let cleanup: () => Promise<void> = async () => undefined;
  let deployers: Deployer[] = [];
  const harness: DeployerHarness = {
    dir: '',
    log: new MemoryUploadLog(),
    events: [],
    lines: [],
    async start(options = {}) {
      let id = 0;
      let tick = 0;
      const deployer = await createDeployer({
        repository: join(harness.dir, 'models'),
        ref: 'main',
        model: MODEL,
        log: harness.log,
        now: () => NOW,
        clock: () => (tick++ % 2 === 0 ? 1000 : 1012.5),
        newId: () => `upload-${++id}`,
        watch: false,
        registry: new Registry(),
        onReload: (event) => harness.events.push(event),
        logger: (line) => harness.lines.push(line),
        ...options,
      });
      deployers.push(deployer);
      return deployer;
    },
  };
  beforeEach(async () => {
    ({ path: harness.dir, cleanup } = await tempDir('cairn-deployer-'));
    Object.assign(harness, { log: new MemoryUploadLog(), events: [], lines: [] });
    deployers = [];
  });
  afterEach(async () => {
    await Promise.all(deployers.map((deployer) => deployer.close()));
    await cleanup();
  });
  return harness;
}

/** Unit ids whose bucket is below (inside) or at least (outside) `percent` × 100. */
export function unitsAt(percent: number): { inside: string; outside: string } {
  const ids = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
  return { inside: ids.find((id) => routeBucket(MODEL, id) < percent * 100)!, outside: ids.find((id) => routeBucket(MODEL, id) >= percent * 100)! };
}

/** What a version says about an image, computed the way evaluation does: preprocess, run, nothing else. */
export async function rawScores(version: keyof typeof ONNX, image: Uint8Array): Promise<Float32Array> {
  const model = await openModel(ONNX[version], { expectedSha256: sha256Hex(ONNX[version]), file: version, taxonomy: { classes: CLASSES, regionClasses: REGION_CLASSES } });
  try {
    const [prediction] = await model.run((await preprocessImage(image, model.inputSpec)).tensor);
    return prediction!.classScores;
  } finally {
    await model.close();
  }
}
