// `cairn gate` on a 10,000-item test split (about 1,000 when quick) against evaluating the two
// models alone, in one process. A demo dataset of 11,000 generated images is ingested with a 92%
// test share, validated, and two models are trained on its small train split (the built-in
// trainer with its defaults, then a quicker config); 1.0.0 is production. Timed: runGate of 1.1.0
// (reads the candidate's recorded metrics, runs production again on the test split, commits
// gate.json), and runEvaluate of 1.0.0 and of 1.1.0. Target: gate ÷ both evaluations ≤ 1.2.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatJsonFile, sha256Hex } from '../src/artifacts/canonical-json.js';
import { buildArtifact, decodeArtifact, encodeArtifact } from '../src/artifacts/codec.js';
import { paths } from '../src/artifacts/layout.js';
import type { ModelConfig } from '../src/artifacts/schemas/model-config.js';
import { exportFileSource, labelStudioImageFetcher } from '../src/dataset/label-studio-source.js';
import { runIngest } from '../src/dataset/run-ingest.js';
import { runValidate } from '../src/dataset/run-validate.js';
import { generateDemoDataset } from '../src/demo/generate-demo-dataset.js';
import { runGate } from '../src/gate/run-gate.js';
import { runInit } from '../src/init/run-init.js';
import { buildDemoRepositoryFiles, DEMO_DATASET, DEMO_MODEL } from '../src/lifecycle/demo-repository.js';
import { runEvaluate } from '../src/registry/run-evaluate.js';
import { runTrain } from '../src/registry/run-train.js';
import { verifiedImageReader } from '../src/registry/training-data.js';
import { GitCli } from '../src/store/git-cli.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { commitStage } from '../src/store/stage-writer.js';
import type { FileWrite } from '../src/store/commit-files.js';
import type { Bench } from './types.js';

const DAY_MS = 86_400_000;

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 1_100 : 11_000;
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-gate-'));
  try {
    const now = () => new Date();
    const startDate = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 5 * DAY_MS);
    const data = await generateDemoDataset({ seed: 7, count, startDate, outDir: join(root, 'label-studio') });
    const dir = join(root, 'models');
    const cli = new GitCli(root);
    await cli.run(['init', '--quiet', '--initial-branch=main', dir]);
    const files = buildDemoRepositoryFiles(JSON.parse(await readFile(data.taxonomy, 'utf8')), data.dataset.options.projectId).map(largeTestSplit);
    await runInit({ dir, runId: 'bench', extraFiles: files });

    const reader = new RepoReader(dir);
    const fetchImage = labelStudioImageFetcher({ localRoot: data.imagesDir, projectId: data.dataset.options.projectId });
    const readImage = verifiedImageReader(fetchImage);
    await runIngest({ dir, reader, dataset: DEMO_DATASET, source: exportFileSource(data.firstExport), fetchImage, runId: 'bench', now });
    await runValidate({ dir, reader, dataset: DEMO_DATASET, runId: 'bench', now });
    const train = { dir, reader, model: DEMO_MODEL, base: 'HEAD', readImage, runId: 'bench', now, codeCommit: 'unknown' };
    await runTrain(train);
    await editModelConfig(dir, reader, { minSteps: 200, classHead: { epochs: 5 }, objectness: { epochs: 1 }, regionClasses: { epochs: 3 }, boxes: { epochs: 3 } });
    await runTrain(train);
    await startProduction(dir, reader, '1.0.0');

    const gateStart = performance.now();
    const gate = await runGate({ dir, reader: new RepoReader(dir), readImage }, { model: DEMO_MODEL, version: '1.1.0', ref: 'HEAD', runId: 'bench', now });
    const gateSeconds = (performance.now() - gateStart) / 1000;
    const evaluations: number[] = [];
    for (const version of ['1.0.0', '1.1.0']) {
      const start = performance.now();
      await runEvaluate({ reader: new RepoReader(dir), ref: 'HEAD', model: DEMO_MODEL, version, readImage });
      evaluations.push((performance.now() - start) / 1000);
    }
    const both = evaluations[0]! + evaluations[1]!;
    const ratio = gateSeconds / both;
    const items = gate.decision.test_split.items;
    return {
      name: 'gate',
      figures: [
        { label: `cairn gate, ${items} test items ÷ evaluating both models`, value: ratio, unit: '×', ...(quick ? {} : { target: '<= 1.2', ok: ratio <= 1.2 }) },
        { label: 'cairn gate ÷ evaluating production alone', value: gateSeconds / evaluations[0]!, unit: '×' },
        { label: 'cairn gate', value: gateSeconds, unit: 's' },
        { label: 'evaluate 1.0.0 (production)', value: evaluations[0]!, unit: 's' },
        { label: 'evaluate 1.1.0 (candidate)', value: evaluations[1]!, unit: 's' },
      ],
      notes: [
        `decision ${gate.decision.decision} against production ${gate.decision.baseline?.model_version}; the gate runs one model (production) and reads the candidate's recorded metrics`,
      ],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};

/** The demo's dataset config with a 92% test share, so a small dataset has a large test split. */
function largeTestSplit(file: FileWrite): FileWrite {
  if (file.path !== paths.datasetConfig(DEMO_DATASET)) return file;
  const config = decodeArtifact('DatasetConfig', file.content as string, file.path);
  const next = buildArtifact('DatasetConfig', { ...config, splits: { train: 0.05, val: 0.03, test: 0.92 } } as Parameters<typeof buildArtifact<'DatasetConfig'>>[1]);
  return { path: file.path, content: encodeArtifact('DatasetConfig', next, file.path) };
}

async function editModelConfig(dir: string, reader: RepoReader, trainerConfig: Record<string, unknown>): Promise<void> {
  const path = paths.modelConfig(DEMO_MODEL);
  const config = (await reader.loadArtifact('ModelConfig', 'HEAD', path)) as ModelConfig;
  const next = buildArtifact('ModelConfig', { ...config, trainer: { kind: 'builtin', config: trainerConfig } } as Parameters<typeof buildArtifact<'ModelConfig'>>[1]);
  await commitStage({ dir, stage: 'edit', runId: 'bench', plan: () => ({ subject: 'quicker trainer config', files: [{ path, content: encodeArtifact('ModelConfig', next, path) }] }) });
}

async function startProduction(dir: string, reader: RepoReader, version: string): Promise<void> {
  const manifest = paths.modelManifest(DEMO_MODEL, version);
  const rollout = buildArtifact('RolloutState', {
    model: DEMO_MODEL,
    production: { model_version: version, manifest: { path: manifest, sha256: sha256Hex((await reader.readFile('HEAD', manifest))!) }, gate: null, approval: null, since: new Date().toISOString() },
    previous: null,
    candidate: null,
    shadow: null,
    kill_switch: false,
    pinned: null,
    action: 'promote',
    reason: 'bench',
    updated_at: new Date().toISOString(),
  });
  await commitStage({ dir, stage: 'edit', runId: 'bench', plan: () => ({ subject: 'production', files: [{ path: paths.rollout(DEMO_MODEL), content: formatJsonFile(rollout) }] }) });
}
