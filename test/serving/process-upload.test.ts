import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { paths } from '../../src/artifacts/layout.js';
import { applyCalibration } from '../../src/metrics/ece.js';
import { parseIsotonicModel } from '../../src/metrics/isotonic.js';
import { GitCli } from '../../src/store/git-cli.js';
import { solidPng } from '../evaluate/contract-model.js';
import { GREY, RED, rawScores, unitsAt, useDeployerHarness } from './deployer-harness.js';
import { CALIBRATION_1_1_0, CLASSES, commitFiles, createServingRepo, MODEL, rollout, servingYaml, versionFiles } from './serving-repo.js';

const h = useDeployerHarness();

describe('processUpload: routing, shadow, calibration, thresholds', () => {
  it('gives regions in pixels of the image as its EXIF orientation shows it', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await h.start();
    // Stored 48 wide and 24 high, shown rotated a quarter turn: 24 wide and 48 high.
    const rotated = await sharp({ create: { width: 48, height: 24, channels: 3, background: { r: 220, g: 30, b: 30 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const record = await deployer.processUpload(rotated, { unitId: 'user-1' });
    expect(record.output!.regions.map((region) => region.box)).toEqual([
      [6, 24, 12, 12],
      [0, 0, 3, 48],
    ]);
  });

  it('keeps a unit on the candidate from 5% through 25% to 100%, and pins override the canary', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 5 } }));
    const deployer = await h.start();
    const { inside } = unitsAt(5);
    const image = await RED;
    for (const percent of [5, 25, 100]) {
      if (percent > 5) await commitFiles(repo, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent } })], `advance to ${percent}%`);
      expect(await deployer.refresh()).toMatchObject({ outcome: percent > 5 ? 'loaded' : 'unchanged' });
      expect(await deployer.processUpload(image, { unitId: inside })).toMatchObject({ version: '1.2.0', role: 'candidate' });
    }
    await commitFiles(repo, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 100 }, pinned: '1.0.0' })], 'pin 1.0.0');
    await deployer.refresh();
    expect(await deployer.processUpload(image, { unitId: inside })).toMatchObject({ version: '1.0.0', role: 'pinned', accepted: true, source: 'model' });
  });

  it('with the kill switch computes and records the prediction but never uses it (observe_only)', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0', kill_switch: true }));
    const deployer = await h.start();
    const record = await deployer.processUpload(await RED, { unitId: 'user-1' });
    expect(record).toMatchObject({ version: '1.0.0', accepted: false, source: 'fallback', fallback_reason: 'observe_only', output: { classes: [{ label: 'red' }, {}, {}] } });
    expect(await deployer.metrics.registry.metrics()).toContain('cairn_fallback_total{model="colours",reason="observe_only"} 1');
  });

  it('runs a stage-0 candidate as a shadow on the same image and records whether its top class agreed', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 0, stages: [0, 50, 100] } }));
    const deployer = await h.start();
    const image = await RED;
    const disagreed = await deployer.processUpload(image, { unitId: 'user-1' });
    expect(disagreed).toMatchObject({ version: '1.0.0', role: 'production', accepted: true, shadow: { agreed: false, output: { version: '1.2.0', classes: [{ label: 'green' }, {}, {}] } } });
    await commitFiles(repo, [rollout({ production: '1.0.0', shadow: '1.1.0' })], 'shadow 1.1.0');
    await deployer.refresh();
    const agreed = await deployer.processUpload(image, { unitId: 'user-1' });
    expect(agreed).toMatchObject({ version: '1.0.0', shadow: { agreed: true, output: { version: '1.1.0', classes: [{ label: 'red' }, {}, {}] } } });
    const text = await deployer.metrics.registry.metrics();
    expect(text).toContain('cairn_shadow_compare_total{model="colours",agree="false"} 1');
    expect(text).toContain('cairn_shadow_compare_total{model="colours",agree="true"} 1');
  });

  it('gives a shadow with another input size its own resize of the same upload', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    const deployer = await h.start();
    await commitFiles(repo, [...versionFiles('1.3.0'), rollout({ production: '1.0.0', shadow: '1.3.0' })], 'shadow 1.3.0 (8 px)');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });
    const green = await solidPng([30, 220, 30]);
    const record = await deployer.processUpload(green, { unitId: 'user-1' });
    expect(record).toMatchObject({ version: '1.0.0', shadow: { agreed: true, output: { version: '1.3.0', classes: [{ label: 'green' }, {}, {}] } } });
    const raw = await rawScores('1.3.0', green);
    expect(Object.fromEntries(record.shadow!.output.classes.map((c) => [c.label, c.score]))).toEqual(Object.fromEntries(CLASSES.map((name, k) => [name, raw[k]])));
    expect(h.lines.filter((line) => line.includes('failed to run'))).toEqual([]);
  });

  it("applies the version's calibration: the scores are the calibration maps' output on the model's scores", async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.1.0' }));
    const deployer = await h.start();
    const image = await RED;
    const record = await deployer.processUpload(image, { unitId: 'user-1' });
    const maps = CLASSES.map((name) => parseIsotonicModel(CALIBRATION_1_1_0[name as keyof typeof CALIBRATION_1_1_0]));
    const [expected] = applyCalibration([await rawScores('1.1.0', image)], maps);
    const raw = await rawScores('1.1.0', image);
    expect(Object.fromEntries(record.output!.classes.map((c) => [c.label, c.score]))).toEqual(Object.fromEntries(CLASSES.map((name, k) => [name, expected![k]])));
    expect(record.output!.classes[0]!.score).not.toBeCloseTo(Math.max(...raw), 2);
  });

  it('falls back with low_confidence below min_confidence or a class its own threshold, and drops regions below min_region_score', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }), servingYaml({ min_region_score: 0.5 }));
    const deployer = await h.start();
    const grey = await deployer.processUpload(await GREY, { unitId: 'user-1' });
    expect(grey).toMatchObject({ version: '1.0.0', accepted: false, source: 'fallback', fallback_reason: 'low_confidence', output: { regions: [{ label: 'bar' }] } });
    expect(grey.output!.classes[0]!.score).toBeLessThan(0.5);
    await commitFiles(repo, [servingYaml({ per_class_min_confidence: { red: 0.999 } })], 'stricter on red');
    await deployer.refresh();
    expect(await deployer.processUpload(await RED, { unitId: 'user-1' })).toMatchObject({ accepted: false, fallback_reason: 'low_confidence' });
    expect(await deployer.processUpload(await solidPng([30, 220, 30]), { unitId: 'user-1' })).toMatchObject({ accepted: true, output: { classes: [{ label: 'green' }, {}, {}] } });
  });

  it('records not_in_canary outside a candidate with no production, and unavailable with no rollout at all', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ candidate: { version: '1.2.0', percent: 5 } }));
    const deployer = await h.start();
    expect(await deployer.processUpload(await RED, { unitId: unitsAt(5).outside })).toMatchObject({ version: null, role: 'none', output: null, accepted: false, source: 'fallback', fallback_reason: 'not_in_canary' });
    await new GitCli(repo).run(['rm', '--quiet', paths.rollout(MODEL)]);
    await new GitCli(repo).run(['commit', '--quiet', '-m', 'no rollout']);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });
    expect(await deployer.processUpload(await RED, { unitId: 'user-1' })).toMatchObject({ version: null, fallback_reason: 'unavailable' });
  });
});

describe('processUpload: bad input', () => {
  it('refuses each bad upload with a named InputError and appends nothing', async () => {
    const { makeImage, withPngSize } = await import('../helpers/images.js');
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await h.start({ maxPixels: 1_000_000 });
    const png = await makeImage('png', 120, 80);
    const cases: Array<[string, Uint8Array, string | undefined]> = [
      ['image-empty', new Uint8Array(0), 'u'],
      ['image-format', new TextEncoder().encode('not an image at all'), 'u'],
      ['image-truncated', png.subarray(0, Math.floor(png.length / 2)), 'u'],
      ['image-pixel-limit', withPngSize(png, 20_000, 20_000), 'u'],
      ['unit-id-missing', png, undefined],
      ['unit-id-missing', png, '  '],
    ];
    for (const [rule, bytes, unitId] of cases) {
      const error = await deployer.processUpload(bytes, { unitId: unitId as string }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, rule).toMatchObject({ code: 'E_INPUT', data: { rule } });
    }
    expect(h.log.size).toBe(0);
    expect(await deployer.metrics.registry.metrics()).not.toContain('cairn_predictions_total{');
  });
});
