import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../src/demo/build-demo-dataset.js';
import { renderDemoScene } from '../../src/demo/render-demo-scene.js';

// Pinned digests: the demo must give the same bytes on every machine and every run, because
// datasets, models and their checksums downstream are built from it. A change to the generator
// that moves these is a change to the demo dataset: update them on purpose, never to make CI green.
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const dataset = buildDemoDataset({ seed: 2024, count: 50 });

describe('the demo dataset for seed 2024, 50 tasks', () => {
  it('has pinned exports and weak labels', () => {
    expect(sha256(JSON.stringify(dataset.exports.first, null, 2))).toBe('b448beca1f25162f9a905d86926952e6c6935d1754f5a6c8eee524047f6ff217');
    expect(sha256(JSON.stringify(dataset.exports.second, null, 2))).toBe('5fda5fc17836f757e7a8c7019e88acd71b766702833bdfd832f568197019191c');
    expect(sha256(JSON.stringify(dataset.weakLabels))).toBe('6b28cf8579b016ea43f126234ac1e3017814990191b6eaf959171603e5b8df7a');
  });

  it('has pinned pixels (PNG bytes also depend on the zlib in sharp, so the raw pixels are pinned)', () => {
    const digest = createHash('sha256');
    for (const scene of dataset.scenes) digest.update(renderDemoScene(scene));
    expect(digest.digest('hex')).toBe('b83e1c85e0b3b36c7825be912e03c9c0560c222e687a50a215f53c5d32ad4e4a');
  });
});
