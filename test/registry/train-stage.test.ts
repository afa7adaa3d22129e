import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import { runCli } from '../../src/cli/main.js';
import { ChecksumError, InputError } from '../../src/errors.js';
import { runDemo, type DemoReport } from '../../src/lifecycle/run-demo.js';
import { codeCommitFromEnv } from '../../src/registry/code-commit.js';
import { runTrain, type TrainOptions } from '../../src/registry/run-train.js';
import { datasetImageReader } from '../../src/registry/training-data.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { tempDir } from '../helpers/git.js';

// The demo lifecycle up to a registered, reproduced model (what `npm start` runs, on 300 images),
// then what a team does next: evaluate, recalibrate, retrain with another config or trainer, and
// the refusals that must leave the repository as it was.
let root: string;
let cleanup: () => Promise<void>;
let demo: DemoReport;
let images: string;

const QUICK = { minSteps: 200, classHead: { epochs: 5 }, objectness: { epochs: 1 }, regionClasses: { epochs: 3 }, boxes: { epochs: 3 } };

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['-C', demo.dir, ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

async function setModelConfig(body: Record<string, unknown>): Promise<void> {
  const path = paths.modelConfig('shapes');
  const reader = new RepoReader(demo.dir);
  const current = await reader.loadArtifact('ModelConfig', 'HEAD', path);
  const next = buildArtifact('ModelConfig', { ...current, ...body } as Parameters<typeof buildArtifact<'ModelConfig'>>[1]);
  await commitStage({ dir: demo.dir, stage: 'edit', runId: 'test', plan: () => ({ subject: 'edit model.yaml', files: [{ path, content: encodeArtifact('ModelConfig', next, path) }] }) });
}

async function trainOptions(): Promise<TrainOptions> {
  const reader = new RepoReader(demo.dir);
  const dataset = await reader.loadArtifact('DatasetConfig', 'HEAD', paths.datasetConfig('shapes'));
  return { dir: demo.dir, reader, model: 'shapes', base: 'HEAD', readImage: datasetImageReader(dataset, { localRoot: images }), runId: 'test', now: () => new Date('2026-11-27T12:00:00Z'), codeCommit: await codeCommitFromEnv() };
}

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  demo = await runDemo({ workDir: root, count: 300, seed: 11, through: 'model' });
  images = join(root, 'label-studio', 'images');
}, 180_000);
afterAll(() => cleanup());

describe('the demo lifecycle (npm start)', () => {
  it('trains, verifies, merges and reproduces the first model, and then has nothing to train', () => {
    const step = (name: string) => demo.steps.find((s) => s.name === name)?.summary ?? '';
    expect(step('train')).toMatch(/^shapes 1\.0\.0 on v0002 \(cairn-builtin, [\d.]+ s\): test macro F1 0\.\d{3}, AP50 0\.\d{3}, ECE/);
    expect(step('verify model PR')).toMatch(/^clean: 4 files/);
    expect(step('reproduce')).toMatch(/byte-identical/);
    expect(step('train again')).toContain('nothing to train, nothing written');
    expect(step('verify')).toMatch(/^clean/);
  });

  it('records the lineage: dataset manifest, taxonomy, config snapshot and the sha256 of every file', async () => {
    const reader = new RepoReader(demo.dir);
    const manifest = await reader.loadArtifact('ModelArtifact', 'HEAD', paths.modelManifest('shapes', '1.0.0'));
    const datasetBytes = await reader.readFile('HEAD', manifest.dataset.manifest.path);
    expect(manifest.dataset).toMatchObject({ name: 'shapes', version: 'v0002', manifest: { path: 'datasets/shapes/v0002/manifest.json', sha256: sha256Hex(datasetBytes!) } });
    expect(manifest).toMatchObject({ parent: null, calibrated: true, classes: ['circle', 'square', 'triangle', 'ring', 'cross'], trainer: { kind: 'builtin', name: 'cairn-builtin' } });
    expect(manifest.config).toMatchObject({ seed: 0, extractor: { seed: 0, inputSize: 64 }, classHead: { epochs: expect.any(Number) } });
    for (const [name, entry] of Object.entries(manifest.files)) {
      const bytes = await reader.readFile('HEAD', paths.modelFile('shapes', '1.0.0', name));
      expect({ name, sha256: sha256Hex(bytes!), bytes: bytes!.length }).toEqual({ name, ...entry });
    }
    const metrics = await reader.loadArtifact('TrainingMetrics', 'HEAD', paths.modelFile('shapes', '1.0.0', 'metrics.json'));
    expect(Object.keys(metrics.classification.per_class).sort()).toEqual([...manifest.classes].sort());
    expect(metrics.bias?.field).toBe('background');
    expect(Object.keys(metrics.detection!.per_class_ap).sort()).toEqual([...manifest.region_classes].sort());
  });

  it('lists the version with its metrics, and shows it by version alone when there is one model', async () => {
    const listed = await cli('models', 'list');
    expect(listed.out).toMatch(/^shapes 1\.0\.0 +macro F1 0\.\d{3} +AP50 0\.\d{3}/);
    const shown = await cli('models', 'show', '1.0.0');
    expect(JSON.parse(shown.out)).toMatchObject({ model: 'shapes', version: '1.0.0', manifest: { calibrated: true } });
  });
});

describe('cairn evaluate', () => {
  it('measures a registered version exactly as train recorded it, its own calibration included', async () => {
    const result = await cli('evaluate', 'shapes', '1.0.0', '--images', images, '--json');
    expect(result.code).toBe(0);
    const measured = JSON.parse(result.out) as { metrics: Record<string, unknown> };
    const recorded = await new RepoReader(demo.dir).loadArtifact('TrainingMetrics', 'HEAD', paths.modelFile('shapes', '1.0.0', 'metrics.json'));
    expect(measured.metrics.classification).toEqual(recorded.classification);
    expect(measured.metrics.detection).toEqual(recorded.detection);
    expect(measured.metrics.bias).toEqual(recorded.bias);
    expect(measured.metrics.calibration).toEqual(recorded.calibration);
  });

  it('evaluates an unregistered ONNX file against the model taxonomy, and refuses one that does not speak it', async () => {
    const model = join(root, 'candidate.onnx');
    await writeFile(model, (await new RepoReader(demo.dir).readFile('HEAD', paths.modelFile('shapes', '1.0.0', 'model.onnx')))!);
    const ok = await cli('evaluate', 'shapes', '--onnx', model, '--images', images);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`shapes ${model} on shapes v0002, test split`);
    await writeFile(model, 'not a model');
    const bad = await cli('evaluate', 'shapes', '--onnx', model, '--images', images);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${model} is not an ONNX model`);
  });
});

describe('cairn calibrate', () => {
  it('registers a new calibration of the same weights as the next patch version', async () => {
    const result = await cli('calibrate', 'shapes', '--from', '1.0.0', '--images', images, '--quiet');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^shapes 1\.0\.1: the weights of 1\.0\.0, recalibrated on v0002/);
    const reader = new RepoReader(demo.dir);
    const [v100, v101] = await Promise.all(['1.0.0', '1.0.1'].map((v) => reader.loadArtifact('ModelArtifact', 'HEAD', paths.modelManifest('shapes', v))));
    expect(v101!.files['model.onnx']).toEqual(v100!.files['model.onnx']);
    expect(v101!.parent?.model_version).toBe('1.0.0');
    const before = (await new GitCli(demo.dir).revParse('HEAD~1'))!;
    expect((await runVerify({ reader, base: before })).violations).toEqual([]);
  });
});

describe('cairn train', () => {
  it('makes a minor version for a new config, and reproduces it', async () => {
    await setModelConfig({ trainer: { kind: 'builtin', config: QUICK } });
    const result = await cli('train', 'shapes', '--images', images, '--quiet');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^shapes 1\.1\.0 \(changed trainer config\) trained on shapes v0002/);
    const manifest = await new RepoReader(demo.dir).loadArtifact('ModelArtifact', 'HEAD', paths.modelManifest('shapes', '1.1.0'));
    expect(manifest.parent?.model_version).toBe('1.0.1');
    // With one model in the registry, the version alone names it.
    const reproduced = await cli('reproduce', '1.1.0', '--images', images, '--quiet');
    expect(reproduced.code).toBe(0);
    expect(reproduced.out).toContain('reproduced: byte-identical');
  });

  it('hands an external trainer the splits and evaluates what it writes itself', async () => {
    const script = new URL('../../examples/external-trainer/train.mjs', import.meta.url).pathname;
    await setModelConfig({ trainer: { kind: 'external', command: `node ${script}`, config: { epochs: 50 } } });
    const result = await cli('train', 'shapes', '--images', images, '--json');
    expect(result.code, result.err).toBe(0);
    const trained = JSON.parse(result.out) as { version: string; manifest: { trainer: Record<string, unknown> }; metrics: { detection: unknown; classification: { macro_f1: number } } };
    expect(trained.version).toBe('1.2.0');
    expect(trained.manifest.trainer).toMatchObject({ kind: 'external', command: `node ${script}` });
    expect(trained.metrics.detection).toBeNull(); // a classification-only model
    expect(trained.metrics.classification.macro_f1).toBeGreaterThan(0);
  });

  it('kills an external trainer that runs past --trainer-timeout, says so, and writes nothing', async () => {
    await setModelConfig({ trainer: { kind: 'external', command: 'echo warming up; sleep 30', config: {} } });
    const head = await new GitCli(demo.dir).revParse('HEAD');
    const started = performance.now();
    const result = await cli('train', 'shapes', '--images', images, '--quiet', '--trainer-timeout', '0.005');
    expect(result.code).toBe(1);
    expect(result.err).toContain('external trainer `echo warming up; sleep 30` timed out after 300 ms; its process group was killed');
    expect(performance.now() - started).toBeLessThan(20_000); // not the 30 s the command asked for
    expect(await new GitCli(demo.dir).revParse('HEAD')).toBe(head);
    expect((await new GitCli(demo.dir).run(['status', '--porcelain'])).trim()).toBe('');

    const usage = await cli('train', 'shapes', '--trainer-timeout', '0');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("option '--trainer-timeout <minutes>' argument '0' is invalid. must be a positive number of minutes");
  });

  it('shows what an external trainer prints, and its failure, without the secrets it inherits', async () => {
    const secret = 'ls-api-key-4f9c2e7a1b';
    await setModelConfig({ trainer: { kind: 'external', command: 'echo "using key $LABEL_STUDIO_API_KEY"; echo "failed with $LABEL_STUDIO_API_KEY" >&2; exit 3', config: {} } });
    process.env.LABEL_STUDIO_API_KEY = secret;
    try {
      const result = await cli('train', 'shapes', '--images', images, '--quiet');
      expect(result.code).toBe(1);
      expect(result.err).toContain('trainer: using key ***');
      expect(result.err).toContain('failed with ***');
      expect(result.err).not.toContain(secret);
    } finally {
      delete process.env.LABEL_STUDIO_API_KEY;
    }
  });

  it('refuses a model bound to another taxonomy than its dataset, writing nothing', async () => {
    await setModelConfig({ taxonomy_version: 'taxonomy_v9', trainer: { kind: 'builtin', config: QUICK } });
    const head = await new GitCli(demo.dir).revParse('HEAD');
    const error = await runTrain(await trainOptions()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('registry/shapes/model.yaml: the model is bound to taxonomy taxonomy_v9, but dataset shapes is labelled under taxonomy_v1');
    expect(await new GitCli(demo.dir).revParse('HEAD')).toBe(head);
    await setModelConfig({ taxonomy_version: 'taxonomy_v1' });
  });

  it('refuses an image whose bytes changed since ingestion, naming the item, and writes nothing', async () => {
    await setModelConfig({ trainer: { kind: 'builtin', config: { ...QUICK, seed: 5 } } });
    const reader = new RepoReader(demo.dir);
    const items = (await reader.readFile('HEAD', paths.datasetItems('shapes', 'v0002')))!;
    const first = JSON.parse(Buffer.from(items).toString('utf8').split('\n')[0]!) as { id: string; image: { url: string } };
    const file = join(images, first.image.url.split('/').at(-1)!);
    const original = await readFile(file);
    await writeFile(file, Buffer.concat([original, Buffer.from([0])]));
    const head = await new GitCli(demo.dir).revParse('HEAD');
    try {
      const error = await runTrain(await trainOptions()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChecksumError);
      expect((error as ChecksumError).message).toContain(`item ${first.id}: image ${first.image.url} has sha256`);
      expect(await new GitCli(demo.dir).revParse('HEAD')).toBe(head);
      expect((await new GitCli(demo.dir).run(['status', '--porcelain'])).trim()).toBe('');
    } finally {
      await writeFile(file, original);
    }
  });
});

describe('the train workflow entry (scripts/train.ts)', () => {
  it('trains each model on a branch, opens its pull request, and writes the job summary', async () => {
    const run = promisify(execFile);
    const summary = join(root, 'train.summary.md');
    const output = join(root, 'train.output');
    await writeFile(summary, '');
    await writeFile(output, '');
    const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
    const script = new URL('../../scripts/train.ts', import.meta.url).pathname;
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, BASE_REF: 'main', IMAGES_DIR: images, PUSH_REMOTE: '', CAIRN_FORGE: 'local', TRAINER_TIMEOUT_MINUTES: '30' };
    const failure = await run(tsx, [script], { cwd: demo.dir, env }).then(() => null, (error: { stdout: string }) => error.stdout);
    expect(failure).toBeNull();
    const written = await readFile(summary, 'utf8');
    expect(written).toMatch(/^### Trained shapes 1\.3\.0\n\nOn shapes v0002; pull request #\d+\.\n\nmacro F1 \*\*0\.\d{4}\*\*/);
    expect(await readFile(output, 'utf8')).toContain('shapes@1.3.0');
    expect(await new GitCli(demo.dir).revParse('refs/heads/cairn/train/shapes/1.3.0')).toMatch(/^[0-9a-f]{40}$/);
  }, 120_000);
});
