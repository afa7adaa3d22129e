import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import sharp from 'sharp';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { paths } from '../../src/artifacts/layout.js';
import { preprocessImage } from '../../src/images/preprocess.js';
import { applyCalibration } from '../../src/metrics/ece.js';
import { parseIsotonicModel } from '../../src/metrics/isotonic.js';
import { openModel } from '../../src/model/open-model.js';
import { createDeployer, type Deployer, type DeployerOptions, type ReloadEvent } from '../../src/serving/create-deployer.js';
import { routeBucket } from '../../src/serving/decide-route.js';
import { MemoryUploadLog } from '../../src/serving/memory-upload-log.js';
import type { UploadRecord } from '../../src/serving/upload-record.js';
import { GitCli } from '../../src/store/git-cli.js';
import { solidPng } from '../evaluate/contract-model.js';
import { tempDir } from '../helpers/git.js';
import { CALIBRATION_1_1_0, CLASSES, commitFiles, createServingRepo, MODEL, ONNX, REGION_CLASSES, rollout, servingYaml, versionFiles } from './serving-repo.js';

const NOW = new Date('2026-12-02T08:00:00.000Z');
const RED = solidPng([220, 30, 30]);
const GREY = solidPng([128, 128, 128]);

let dir: string;
let cleanup: () => Promise<void>;
let log: MemoryUploadLog;
let deployers: Deployer[];
let events: ReloadEvent[];
let lines: string[];

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir('cairn-deployer-'));
  log = new MemoryUploadLog();
  deployers = [];
  events = [];
  lines = [];
});
afterEach(async () => {
  await Promise.all(deployers.map((deployer) => deployer.close()));
  await cleanup();
});

async function start(options: Partial<DeployerOptions> = {}): Promise<Deployer> {
  let id = 0;
  let tick = 0;
  const deployer = await createDeployer({
    repository: join(dir, 'models'),
    ref: 'main',
    model: MODEL,
    log,
    now: () => NOW,
    clock: () => (tick++ % 2 === 0 ? 1000 : 1012.5),
    newId: () => `upload-${++id}`,
    watch: false,
    registry: new Registry(),
    onReload: (event) => events.push(event),
    logger: (line) => lines.push(line),
    ...options,
  });
  deployers.push(deployer);
  return deployer;
}

/** Unit ids whose bucket is below (inside) or at least (outside) `percent` × 100. */
function unitsAt(percent: number): { inside: string; outside: string } {
  const ids = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
  return { inside: ids.find((id) => routeBucket(MODEL, id) < percent * 100)!, outside: ids.find((id) => routeBucket(MODEL, id) >= percent * 100)! };
}

/** What a version says about an image, computed the way evaluation does: preprocess, run, nothing else. */
async function rawScores(version: keyof typeof ONNX, image: Uint8Array): Promise<Float32Array> {
  const model = await openModel(ONNX[version], { expectedSha256: sha256Hex(ONNX[version]), file: version, taxonomy: { classes: CLASSES, regionClasses: REGION_CLASSES } });
  try {
    const [prediction] = await model.run((await preprocessImage(image, model.inputSpec)).tensor);
    return prediction!.classScores;
  } finally {
    await model.close();
  }
}

describe('createDeployer: what serves', () => {
  it('serves production and records the upload: calibrated classes, regions in pixels, accepted, latency', async () => {
    await createServingRepo(join(dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await start();
    const image = await RED;
    const record = await deployer.processUpload(image, { unitId: 'user-1' });
    const scores = await rawScores('1.0.0', image);
    expect(record).toEqual({
      id: 'upload-1',
      image_sha256: sha256Hex(image),
      unit: 'user-1',
      model: MODEL,
      version: '1.0.0',
      role: 'production',
      output: {
        version: '1.0.0',
        classes: [
          { label: 'red', score: scores[0]! },
          { label: 'green', score: scores[1]! },
          { label: 'blue', score: scores[2]! },
        ].sort((a, b) => b.score - a.score),
        // The contract model's fixed rows on the 24×24 upload: bar 0.9 at (0.25, 0.5, 0.5, 0.25), dot 0.4 at (0, 0, 0.125, 1).
        regions: [
          { label: 'bar', score: expect.closeTo(0.9, 6), box: [6, 12, 12, 6] },
          { label: 'dot', score: expect.closeTo(0.4, 6), box: [0, 0, 3, 24] },
        ],
      },
      accepted: true,
      source: 'model',
      fallback_reason: null,
      shadow: null,
      latency_ms: 12.5,
      created_at: '2026-12-02T08:00:00.000Z',
    });
    expect(record.output!.classes[0]!.label).toBe('red');
    expect(await log.get('upload-1')).toEqual(record);
    const text = await deployer.metrics.registry.metrics();
    expect(text).toContain('cairn_predictions_total{model="colours",version="1.0.0",accepted="true"} 1');
    expect(text).toContain('cairn_model_available{model="colours",version="1.0.0"} 1');
    expect(text).toContain('cairn_rollout_info{model="colours",production="1.0.0",candidate="",percent="0"} 1');
    expect(text).toContain('cairn_reload_total{model="colours",outcome="loaded"} 1');
    expect(text).toContain('cairn_predict_latency_seconds_bucket{le="0.05",model="colours"} 1');
    expect(text).toContain('cairn_predict_latency_seconds_bucket{le="0.01",model="colours"} 0');
  });

  it('follows a promotion commit and its revert in a bare remote, reusing the session of the unchanged version', async () => {
    const cli = await createServingRepo(join(dir, 'models'), rollout({ production: '1.0.0' }));
    const remote = join(dir, 'remote.git');
    await cli.run(['clone', '--quiet', '--bare', join(dir, 'models'), remote]);
    await cli.run(['remote', 'add', 'origin', remote]);
    const deployer = await start({ repository: remote });
    const production = deployer.state!.versions.get('1.0.0');
    const { inside, outside } = unitsAt(25);
    const image = await RED;

    await commitFiles(join(dir, 'models'), [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
    await cli.run(['push', '--quiet', 'origin', 'main']);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded', reason: null });
    expect(deployer.state!.versions.get('1.0.0')).toBe(production);
    expect(await deployer.processUpload(image, { unitId: inside })).toMatchObject({ version: '1.2.0', role: 'candidate', accepted: true });
    expect(await deployer.processUpload(image, { unitId: outside })).toMatchObject({ version: '1.0.0', role: 'production' });

    await cli.run(['revert', '--no-edit', 'HEAD']);
    await cli.run(['push', '--quiet', 'origin', 'main']);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });
    expect(await deployer.processUpload(image, { unitId: inside })).toMatchObject({ version: '1.0.0', role: 'production' });
    expect([...deployer.state!.versions.keys()]).toEqual(['1.0.0']);
    expect(deployer.state!.versions.get('1.0.0')).toBe(production);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'unchanged' });
    const text = await deployer.metrics.registry.metrics();
    expect(text).toContain('cairn_model_available{model="colours",version="1.0.0"} 1');
    expect(text).not.toContain('cairn_model_available{model="colours",version="1.2.0"}');
    expect(text).toContain('cairn_reload_total{model="colours",outcome="loaded"} 3');
  });

  it('refuses a state whose model fails its checksum, and one that fails validation: the last good state keeps serving', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    const deployer = await start();
    const good = deployer.state!.commit;
    const tampered = Uint8Array.from(ONNX['1.2.0']);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
    await commitFiles(repo, [...versionFiles('1.2.0', { onnx: tampered }), rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 100 } })], 'tamper with 1.2.0 and promote it');

    const refused = await deployer.refresh();
    expect(refused).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_CHECKSUM', data: { file: paths.modelFile(MODEL, '1.2.0', 'model.onnx') } } });
    expect(deployer.state!.commit).toBe(good);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', commit: refused.commit, reason: refused.reason });
    expect(lines).toHaveLength(2);
    expect(await deployer.processUpload(await RED, { unitId: 'user-1' })).toMatchObject({ version: '1.0.0', role: 'production', accepted: true });
    expect(lines.at(-1)).toMatch(/^cairn deployer colours: refused [0-9a-f]{12}, still serving [0-9a-f]{12}: registry\/colours\/1\.2\.0\/model\.onnx: sha256 [0-9a-f]{64} does not match/);

    await commitFiles(repo, [{ path: paths.rollout(MODEL), content: '{"schema": "RolloutState/v2", "model": "colours"}\n' }], 'break rollout.json');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_SCHEMA' } });
    expect(await deployer.metrics.registry.metrics()).toContain('cairn_reload_total{model="colours",outcome="refused"} 2');
    await commitFiles(repo, [rollout({ production: '1.0.0', pinned: '1.1.0' })], 'pin a version that never served');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_INPUT', data: { rule: 'pin-unknown' } } });
    expect(events.map((event) => event.outcome)).toEqual(['loaded', 'refused', 'refused', 'refused']);
  });

  it('keeps the sessions an upload in flight holds open across a reload, and closes them when it finishes', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    // The upload stays in flight until the test lets its record into the log.
    let admit: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    const gated = Object.assign(Object.create(log) as MemoryUploadLog, { append: async (record: UploadRecord) => (await admitted, log.append(record)) });
    const deployer = await start({ log: gated });
    const old = deployer.state!.versions.get('1.0.0')!;
    const tensor = new Float32Array(old.model.imageLength);
    await commitFiles(repo, [rollout({ production: '1.2.0', previous: '1.0.0' })], 'promote 1.2.0');
    const image = await RED;
    const inFlight = deployer.processUpload(image, { unitId: 'user-1' });
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });
    expect([...deployer.state!.versions.keys()]).toEqual(['1.2.0']);
    await expect(old.model.run(tensor)).resolves.toHaveLength(1);
    admit();
    expect(await inFlight).toMatchObject({ version: '1.0.0', accepted: true, output: { classes: [{ label: 'red' }, {}, {}] } });
    await expect(old.model.run(tensor)).rejects.toThrow();
    expect(await deployer.processUpload(image, { unitId: 'user-1' })).toMatchObject({ version: '1.2.0', output: { classes: [{ label: 'green' }, {}, {}] } });
  });

  it('reloads on the interval of thresholds/serving.yaml until closed', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }), servingYaml({ reload_interval_seconds: 0.05 }));
    let loaded: (event: ReloadEvent) => void = () => undefined;
    const next = new Promise<ReloadEvent>((resolve) => (loaded = resolve));
    const deployer = await start({ watch: true, onReload: (event) => event.outcome === 'loaded' && event.commit !== null && events.push(event) && events.length === 2 && loaded(event) });
    const commit = await commitFiles(repo, [rollout({ production: '1.1.0', previous: '1.0.0' })], 'promote 1.1.0');
    expect(await next).toMatchObject({ commit });
    expect(deployer.state!.commit).toBe(commit);
    await deployer.close();
    await commitFiles(repo, [rollout({ production: '1.0.0', previous: '1.1.0' })], 'roll back');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toHaveLength(2);
    await expect(deployer.processUpload(await RED, { unitId: 'user-1' })).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('processUpload: routing, shadow, calibration, thresholds', () => {
  it('gives regions in pixels of the image as its EXIF orientation shows it', async () => {
    await createServingRepo(join(dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await start();
    // Stored 48 wide and 24 high, shown rotated a quarter turn: 24 wide and 48 high.
    const rotated = await sharp({ create: { width: 48, height: 24, channels: 3, background: { r: 220, g: 30, b: 30 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const record = await deployer.processUpload(rotated, { unitId: 'user-1' });
    expect(record.output!.regions.map((region) => region.box)).toEqual([
      [6, 24, 12, 12],
      [0, 0, 3, 48],
    ]);
  });

  it('keeps a unit on the candidate from 5% through 25% to 100%, and pins override the canary', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 5 } }));
    const deployer = await start();
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
    await createServingRepo(join(dir, 'models'), rollout({ production: '1.0.0', kill_switch: true }));
    const deployer = await start();
    const record = await deployer.processUpload(await RED, { unitId: 'user-1' });
    expect(record).toMatchObject({ version: '1.0.0', accepted: false, source: 'fallback', fallback_reason: 'observe_only', output: { classes: [{ label: 'red' }, {}, {}] } });
    expect(await deployer.metrics.registry.metrics()).toContain('cairn_fallback_total{model="colours",reason="observe_only"} 1');
  });

  it('runs a stage-0 candidate as a shadow on the same image and records whether its top class agreed', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 0, stages: [0, 50, 100] } }));
    const deployer = await start();
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

  it("applies the version's calibration: the scores are the calibration maps' output on the model's scores", async () => {
    await createServingRepo(join(dir, 'models'), rollout({ production: '1.1.0' }));
    const deployer = await start();
    const image = await RED;
    const record = await deployer.processUpload(image, { unitId: 'user-1' });
    const maps = CLASSES.map((name) => parseIsotonicModel(CALIBRATION_1_1_0[name as keyof typeof CALIBRATION_1_1_0]));
    const [expected] = applyCalibration([await rawScores('1.1.0', image)], maps);
    const raw = await rawScores('1.1.0', image);
    expect(Object.fromEntries(record.output!.classes.map((c) => [c.label, c.score]))).toEqual(Object.fromEntries(CLASSES.map((name, k) => [name, expected![k]])));
    expect(record.output!.classes[0]!.score).not.toBeCloseTo(Math.max(...raw), 2);
  });

  it('falls back with low_confidence below min_confidence or a class its own threshold, and drops regions below min_region_score', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }), servingYaml({ min_region_score: 0.5 }));
    const deployer = await start();
    const grey = await deployer.processUpload(await GREY, { unitId: 'user-1' });
    expect(grey).toMatchObject({ version: '1.0.0', accepted: false, source: 'fallback', fallback_reason: 'low_confidence', output: { regions: [{ label: 'bar' }] } });
    expect(grey.output!.classes[0]!.score).toBeLessThan(0.5);
    await commitFiles(repo, [servingYaml({ per_class_min_confidence: { red: 0.999 } })], 'stricter on red');
    await deployer.refresh();
    expect(await deployer.processUpload(await RED, { unitId: 'user-1' })).toMatchObject({ accepted: false, fallback_reason: 'low_confidence' });
    expect(await deployer.processUpload(await solidPng([30, 220, 30]), { unitId: 'user-1' })).toMatchObject({ accepted: true, output: { classes: [{ label: 'green' }, {}, {}] } });
  });

  it('records not_in_canary outside a candidate with no production, and unavailable with no rollout at all', async () => {
    const repo = join(dir, 'models');
    await createServingRepo(repo, rollout({ candidate: { version: '1.2.0', percent: 5 } }));
    const deployer = await start();
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
    await createServingRepo(join(dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await start({ maxPixels: 1_000_000 });
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
    expect(log.size).toBe(0);
    expect(await deployer.metrics.registry.metrics()).not.toContain('cairn_predictions_total{');
  });
});
