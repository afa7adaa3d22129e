import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { paths } from '../../src/artifacts/layout.js';
import type { ReloadEvent } from '../../src/serving/create-deployer.js';
import { GitCli } from '../../src/store/git-cli.js';
import type { MemoryUploadLog } from '../../src/serving/memory-upload-log.js';
import type { UploadRecord } from '../../src/serving/upload-record.js';
import { RED, rawScores, unitsAt, useDeployerHarness } from './deployer-harness.js';
import { commitFiles, createServingRemote, createServingRepo, MODEL, ONNX, rollout, servingYaml, versionFiles } from './serving-repo.js';

const h = useDeployerHarness();

describe('createDeployer: what serves', () => {
  it('serves production and records the upload: calibrated classes, regions in pixels, accepted, latency', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const deployer = await h.start();
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
    expect(await h.log.get('upload-1')).toEqual(record);
    const text = await deployer.metrics.registry.metrics();
    expect(text).toContain('cairn_predictions_total{model="colours",version="1.0.0",accepted="true"} 1');
    expect(text).toContain('cairn_model_available{model="colours",version="1.0.0"} 1');
    expect(text).toContain('cairn_rollout_info{model="colours",production="1.0.0",candidate="",percent="0"} 1');
    expect(text).toContain('cairn_reload_total{model="colours",outcome="loaded"} 1');
    expect(text).toContain('cairn_predict_latency_seconds_bucket{le="0.05",model="colours"} 1');
    expect(text).toContain('cairn_predict_latency_seconds_bucket{le="0.01",model="colours"} 0');
  });

  it('follows a promotion commit and its revert in a bare remote, reusing the session of the unchanged version', async () => {
    const { cli, remote } = await createServingRemote(h.dir, rollout({ production: '1.0.0' }));
    const deployer = await h.start({ repository: remote });
    const production = deployer.state!.versions.get('1.0.0');
    const { inside, outside } = unitsAt(25);
    const image = await RED;

    await commitFiles(join(h.dir, 'models'), [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
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

  it('follows a remote it fetches itself into a mirror (tip commit only); an unreachable remote keeps the last good state serving', async () => {
    const { cli, work, remote } = await createServingRemote(h.dir, rollout({ production: '1.0.0' }));
    const mirror = join(h.dir, 'mirror.git');
    const deployer = await h.start({ repository: mirror, remote, ref: 'main' });
    const first = (await cli.revParse('HEAD'))!;
    expect(deployer.state!.commit).toBe(first);
    expect(await new GitCli(mirror).run(['rev-list', '--count', 'main'])).toBe('1\n');

    const promotion = await commitFiles(work, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'unchanged', commit: first });
    await cli.run(['push', '--quiet', 'origin', 'main']);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded', commit: promotion });
    expect(await deployer.processUpload(await RED, { unitId: unitsAt(25).inside })).toMatchObject({ version: '1.2.0', role: 'candidate' });

    await rename(remote, `${remote}.gone`);
    const unreachable = await deployer.refresh();
    expect(unreachable).toMatchObject({ outcome: 'unreachable', commit: null, serving: promotion, error: { code: 'E_GIT', data: { rule: 'remote-fetch', branch: 'main' } } });
    expect(unreachable.reason).toMatch(/^fetching main of .*remote\.git failed: /);
    expect(h.lines.at(-1)).toMatch(/^cairn deployer colours: fetching main of .* failed: .*; still serving [0-9a-f]{12}$/);
    expect(await deployer.processUpload(await RED, { unitId: unitsAt(25).inside })).toMatchObject({ version: '1.2.0', role: 'candidate' });
    expect(await deployer.metrics.registry.metrics()).toContain('cairn_reload_total{model="colours",outcome="unreachable"} 1');

    await rename(`${remote}.gone`, remote);
    await cli.run(['revert', '--no-edit', 'HEAD']);
    await cli.run(['push', '--quiet', 'origin', 'main']);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded', commit: (await cli.revParse('HEAD'))! });
    expect(await deployer.processUpload(await RED, { unitId: unitsAt(25).inside })).toMatchObject({ version: '1.0.0', role: 'production' });
  });

  it('refuses a state whose model fails its checksum, and one that fails validation: the last good state keeps serving', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    const deployer = await h.start();
    const good = deployer.state!.commit;
    const tampered = Uint8Array.from(ONNX['1.2.0']);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
    await commitFiles(repo, [...versionFiles('1.2.0', { onnx: tampered }), rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 100 } })], 'tamper with 1.2.0 and promote it');

    const refused = await deployer.refresh();
    expect(refused).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_CHECKSUM', data: { file: paths.modelFile(MODEL, '1.2.0', 'model.onnx') } } });
    expect(deployer.state!.commit).toBe(good);
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', commit: refused.commit, reason: refused.reason });
    expect(h.lines).toHaveLength(2);
    expect(await deployer.processUpload(await RED, { unitId: 'user-1' })).toMatchObject({ version: '1.0.0', role: 'production', accepted: true });
    expect(h.lines.at(-1)).toMatch(/^cairn deployer colours: refused [0-9a-f]{12}, still serving [0-9a-f]{12}: registry\/colours\/1\.2\.0\/model\.onnx: sha256 [0-9a-f]{64} does not match/);

    await commitFiles(repo, [{ path: paths.rollout(MODEL), content: '{"schema": "RolloutState/v2", "model": "colours"}\n' }], 'break rollout.json');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_SCHEMA' } });
    expect(await deployer.metrics.registry.metrics()).toContain('cairn_reload_total{model="colours",outcome="refused"} 2');
    await commitFiles(repo, [rollout({ production: '1.0.0', pinned: '1.1.0' })], 'pin a version that never served');
    expect(await deployer.refresh()).toMatchObject({ outcome: 'refused', serving: good, error: { code: 'E_INPUT', data: { rule: 'pin-unknown' } } });
    expect(h.events.map((event) => event.outcome)).toEqual(['loaded', 'refused', 'refused', 'refused']);
  });

  it('keeps the sessions an upload in flight holds open across a reload, and closes them when it finishes', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    // The upload stays in flight until the test lets its record into the h.log.
    let admit: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    const gated = Object.assign(Object.create(h.log) as MemoryUploadLog, { append: async (record: UploadRecord) => (await admitted, h.log.append(record)) });
    const deployer = await h.start({ log: gated });
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

  it('runs maxParallel uploads at once; one waiting for a slot runs on the state that is newest when its turn comes', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    let admit: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    const gated = Object.assign(Object.create(h.log) as MemoryUploadLog, { append: async (record: UploadRecord) => (await admitted, h.log.append(record)) });
    const deployer = await h.start({ log: gated, maxParallel: 1 });
    const image = await RED;
    const first = deployer.processUpload(image, { unitId: 'user-1', id: 'first' });
    const second = deployer.processUpload(image, { unitId: 'user-1', id: 'second' });
    await commitFiles(repo, [rollout({ production: '1.2.0', previous: '1.0.0' })], 'promote 1.2.0');
    // The reload does not wait for the uploads: the one holding the slot, nor the one queued.
    expect(await deployer.refresh()).toMatchObject({ outcome: 'loaded' });
    admit();
    expect(await first).toMatchObject({ version: '1.0.0' });
    expect(await second).toMatchObject({ version: '1.2.0' });
  });

  it('reloads on the interval of thresholds/serving.yaml until closed', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }), servingYaml({ reload_interval_seconds: 0.05 }));
    let loaded: (event: ReloadEvent) => void = () => undefined;
    const next = new Promise<ReloadEvent>((resolve) => (loaded = resolve));
    const deployer = await h.start({ watch: true, onReload: (event) => event.outcome === 'loaded' && event.commit !== null && h.events.push(event) && h.events.length === 2 && loaded(event) });
    const commit = await commitFiles(repo, [rollout({ production: '1.1.0', previous: '1.0.0' })], 'promote 1.1.0');
    expect(await next).toMatchObject({ commit });
    expect(deployer.state!.commit).toBe(commit);
    await deployer.close();
    await commitFiles(repo, [rollout({ production: '1.0.0', previous: '1.1.0' })], 'roll back');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.events).toHaveLength(2);
    await expect(deployer.processUpload(await RED, { unitId: 'user-1' })).rejects.toMatchObject({ code: 'E_UNAVAILABLE', data: { rule: 'shutting-down' } });
  });
});

