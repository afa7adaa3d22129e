import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/artifacts/layout.js';
import { generateDemoDataset } from '../../src/demo/generate-demo-dataset.js';
import { packageRoot } from '../../src/package-root.js';
import { runReproduce } from '../../src/registry/run-reproduce.js';
import { datasetImageReader } from '../../src/registry/training-data.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { tempDir } from '../helpers/git.js';

// This repository is itself a model repository: its datasets/ and registry/ hold the lineage that
// `npm start` builds (demo seed 7, 2,000 images). The images are not committed; the demo generator
// makes them again, byte for byte, so the model can be retrained from the files alone.
const root = packageRoot();
let images: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  let dir: string;
  ({ path: dir, cleanup } = await tempDir());
  const data = await generateDemoDataset({ seed: 7, count: 2000, startDate: new Date('2026-01-01T00:00:00Z'), outDir: join(dir, 'label-studio') });
  images = data.imagesDir;
}, 120_000);
afterAll(() => cleanup());

describe("the project's own model repository", () => {
  it('verifies clean at HEAD: schemas, checksums, lineage, calibration', async () => {
    const result = await runVerify({ reader: new RepoReader(root) });
    expect(result.violations).toEqual([]);
    expect(result.checkedFiles).toBeGreaterThan(15);
  });

  it('reproduces shapes 1.0.0 byte for byte from its manifest', async () => {
    const reader = new RepoReader(root);
    const dataset = await reader.loadArtifact('DatasetConfig', 'HEAD', paths.datasetConfig('shapes'));
    const result = await runReproduce({ dir: root, reader, ref: 'HEAD', model: 'shapes', version: '1.0.0', readImage: datasetImageReader(dataset, { localRoot: images }), codeCommit: 'unknown' });
    expect(result.actual).toBe(result.expected);
  }, 180_000);
});
