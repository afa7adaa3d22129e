import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { paths } from '../../src/artifacts/layout.js';
import { calibrateScores } from '../../src/evaluate/calibration.js';
import { preprocessImage } from '../../src/images/preprocess.js';
import { runDemo, type DemoReport } from '../../src/lifecycle/run-demo.js';
import { openModel } from '../../src/model/open-model.js';
import { createDeployer } from '../../src/serving/create-deployer.js';
import { MemoryUploadLog } from '../../src/serving/memory-upload-log.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { rolloutFile } from '../helpers/builders.js';
import { tempDir } from '../helpers/git.js';
import { commitFiles } from './serving-repo.js';

// The model `cairn train` made and merged in the embedded default, served as cairn wrote it:
// its manifest, its weights and the calibration fitted on its validation split.
let root: string;
let cleanup: () => Promise<void>;
let demo: DemoReport;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir('cairn-deployer-demo-'));
  demo = await runDemo({ workDir: root, through: 'model', count: 300, now: () => new Date('2026-12-01T12:00:00.000Z') });
}, 240_000);
afterAll(() => cleanup());

describe('the deployer on the demo model', () => {
  it('serves nothing before the first rollout, then serves 1.0.0 with its own calibration once a rollout commit names it', async () => {
    const log = new MemoryUploadLog();
    const deployer = await createDeployer({ repository: demo.dir, ref: 'main', model: 'shapes', log, watch: false, registry: new Registry() });
    try {
      const names = (await readdir(join(root, 'label-studio', 'images'))).filter((name) => name.endsWith('.png')).slice(0, 5);
      const images = await Promise.all(names.map((name) => readFile(join(root, 'label-studio', 'images', name))));
      expect(await deployer.processUpload(images[0]!, { unitId: 'user-1' })).toMatchObject({ version: null, fallback_reason: 'unavailable' });

      const manifestPath = paths.modelManifest('shapes', '1.0.0');
      const manifest = await readFile(join(demo.dir, manifestPath));
      await commitFiles(demo.dir, [rolloutFile('shapes', { production: { model_version: '1.0.0', manifest: { path: manifestPath, sha256: sha256Hex(manifest) } }, action: 'promote' })], 'serve 1.0.0');
      expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });

      const reader = new RepoReader(demo.dir);
      const weights = (await reader.readFile('main', paths.modelFile('shapes', '1.0.0', 'model.onnx')))!;
      const calibration = (await reader.loadArtifact('Calibration', 'main', paths.modelFile('shapes', '1.0.0', 'calibration.json'))).classes;
      const model = await openModel(weights, { expectedSha256: sha256Hex(weights), file: 'model.onnx' });
      try {
        for (const image of images) {
          const record = await deployer.processUpload(image, { unitId: 'user-1' });
          const [prediction] = await model.run((await preprocessImage(image, model.inputSpec)).tensor);
          const [expected] = calibrateScores([prediction!.classScores], calibration, model.classes);
          expect(record).toMatchObject({ version: '1.0.0', role: 'production', source: record.accepted ? 'model' : 'fallback' });
          expect(Object.fromEntries(record.output!.classes.map((c) => [c.label, c.score]))).toEqual(Object.fromEntries(model.classes.map((name, k) => [name, expected![k]])));
          expect(record.accepted).toBe(record.output!.classes[0]!.score >= 0.5);
        }
      } finally {
        await model.close();
      }
      expect((await log.list({ model: 'shapes' })).map((record) => record.version)).toEqual([null, '1.0.0', '1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    } finally {
      await deployer.close();
    }
  });
});
