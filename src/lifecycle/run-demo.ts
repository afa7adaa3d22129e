import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFileSource, labelStudioImageFetcher } from '../dataset/label-studio-source.js';
import { runIngestStage, runValidationCheck, type IngestStageDeps } from '../dataset/run-ingest-stage.js';
import { generateDemoDataset } from '../demo/generate-demo-dataset.js';
import { LocalForge } from '../forge/local-forge.js';
import { runInit } from '../init/run-init.js';
import { cloneRepository, fetchRemote, initRepository, pullFastForward, pushBranch, setCommitIdentity } from '../store/repository-setup.js';
import { RepoReader } from '../store/repo-reader.js';
import { runVerify } from '../verify/run-verify.js';
import { codeCommitFromEnv } from '../registry/code-commit.js';
import { runReproduce } from '../registry/run-reproduce.js';
import type { TrainProgress } from '../registry/run-train.js';
import { runTrainStage } from '../registry/run-train-stage.js';
import { verifiedImageReader } from '../registry/training-data.js';
import { runGateCheck } from '../gate/run-gate-check.js';
import { formatMetric } from '../registry/format-metric.js';
import { runDemoPromotion } from './demo-promotion.js';
import { startDemoTraffic } from './demo-traffic.js';
import { buildDemoRepositoryFiles, DEMO_DATASET, DEMO_MODEL } from './demo-repository.js';

export interface DemoStep {
  name: string;
  summary: string;
}

export interface DemoReport {
  dir: string;
  remote: string;
  steps: DemoStep[];
}

export interface DemoOptions {
  workDir?: string;
  /** Images in the first export. */
  count?: number;
  seed?: number;
  now?: () => Date;
  log?: (line: string) => void;
  /** Progress of the long steps (feature extraction, head fitting, evaluation). */
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Stop once the first model is merged, ungated (`model`), or go on through gates, rollouts and a rollback (`rollout`, the default). */
  through?: 'model' | 'rollout';
}

const DAY_MS = 86_400_000;
/** Simulated uploads after each rollout change: one new image from each of this many users. */
const TRAFFIC_UPLOADS = 200;

/**
 * The embedded default: the lifecycle in a temporary model repository, with a bare repository as
 * the remote and the local forge standing in for GitHub. Every stage is the code the workflows run.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const now = options.now ?? (() => new Date());
  const root = options.workDir ?? (await mkdtemp(join(tmpdir(), 'cairn-demo-')));
  const remote = join(root, 'remote.git');
  const dir = join(root, 'models');
  const steps: DemoStep[] = [];
  const step = (name: string, summary: string) => {
    steps.push({ name, summary });
    options.log?.(`✓ ${name}: ${summary}`);
  };

  // Labels from a few days ago, so the freshness check sees a live project.
  const startDate = new Date(Math.floor(now().getTime() / DAY_MS) * DAY_MS - 5 * DAY_MS);
  const data = await generateDemoDataset({ seed: options.seed ?? 7, count: options.count ?? 2000, startDate, outDir: join(root, 'label-studio') });
  step('generate', `${data.images.length} images, 2 Label Studio exports, weak labels, in ${data.outDir}`);

  await mkdir(root, { recursive: true });
  await initRepository(remote, { bare: true });
  await cloneRepository(remote, dir);
  await setCommitIdentity(dir, { name: 'cairn demo', email: 'demo@cairn.invalid' });
  const taxonomy = JSON.parse(await readFile(data.taxonomy, 'utf8'));
  const init = await runInit({ dir, runId: 'demo-init', extraFiles: buildDemoRepositoryFiles(taxonomy, data.dataset.options.projectId) });
  await pushBranch(dir, 'main');
  step('init', `model repository with ${init.files.length} files (thresholds, taxonomy, dataset and model configs), pushed`);

  const deps: IngestStageDeps = { dir, reader: new RepoReader(dir), forge: new LocalForge({ dir: remote, user: 'cairn-bot', now }), remote: 'origin' };
  const reviewer = new LocalForge({ dir: remote, user: 'alice', now });
  const gated = options.through !== 'model';
  const fetchImage = labelStudioImageFetcher({ localRoot: data.imagesDir, projectId: data.dataset.options.projectId });
  const batches = [
    { file: data.firstExport, weak: null },
    { file: data.secondExport, weak: data.weakLabelsJsonl },
  ];
  for (const [index, batch] of batches.entries()) {
    await fetchRemote(dir);
    const weakLabels = batch.weak ? { file: batch.weak, text: await readFile(batch.weak, 'utf8') } : undefined;
    const { result, pullRequest } = await runIngestStage(deps, {
      dataset: DEMO_DATASET,
      source: exportFileSource(batch.file),
      fetchImage,
      weakLabels,
      runId: `demo-ingest-${index + 1}`,
      now,
      base: 'origin/main',
    });
    if (!pullRequest) throw new Error(`demo: batch ${index + 1} ingested nothing`);
    step(`ingest ${index + 1}`, `${DEMO_DATASET} ${result.version}: ${result.added} new, ${result.updated} corrected, ${weakLabels ? 'weak labels added, ' : ''}PR #${pullRequest.number} opened`);
    const check = await runValidationCheck(deps, { pullRequest: pullRequest.number, runId: `demo-validate-${index + 1}`, now });
    const failed = check.report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.name} ${c.status}`);
    step(`validate ${index + 1}`, `${check.report.passed ? 'passed' : 'FAILED'}${failed.length ? ` (${failed.join(', ')})` : ''}; status cairn/validation set on PR #${pullRequest.number}`);
    await reviewer.submitReview(pullRequest.number, { state: 'APPROVED', body: 'labels look right' });
    const merged = await reviewer.mergePullRequest(pullRequest.number);
    await pullFastForward(dir, 'main');
    step(`merge ${index + 1}`, `PR #${pullRequest.number} approved by alice and merged as ${merged.mergeCommitSha?.slice(0, 12)}`);
  }

  // Train, evaluate and calibrate the first model version on the merged dataset; a reviewer merges its PR.
  await fetchRemote(dir);
  const readImage = verifiedImageReader(fetchImage);
  const codeCommit = await codeCommitFromEnv();
  const progress = options.onProgress ?? (() => undefined);
  const trainOptions = { dir, reader: deps.reader, model: DEMO_MODEL, base: 'origin/main', readImage, codeCommit, now, onProgress: (p: TrainProgress) => progress(p.phase, p.done, p.total) };
  const { result: trained, pullRequest: modelPr } = await runTrainStage({ forge: deps.forge, remote: 'origin' }, { ...trainOptions, runId: 'demo-train' });
  if (trained.kind !== 'trained' || !modelPr) throw new Error('demo: the first training run trained nothing');
  const { metrics } = trained;
  step(
    'train',
    `${DEMO_MODEL} ${trained.version} on ${trained.manifest.dataset.version} (${trained.manifest.trainer.name}, ${metrics.training?.seconds.toFixed(1)} s): ` +
      `test macro F1 ${formatMetric(metrics.classification.macro_f1, 3)}, AP50 ${metrics.detection ? formatMetric(metrics.detection.ap50, 3) : '—'}, ` +
      `ECE ${metrics.calibration ? `${formatMetric(metrics.calibration.ece_before, 3)} → ${formatMetric(metrics.calibration.ece_after, 3)}` : '—'}, largest bias delta ${metrics.bias ? formatMetric(metrics.bias.max_delta, 3) : '—'}; PR #${modelPr.number} opened`,
  );
  const checked = await runVerify({ reader: new RepoReader(dir), base: 'origin/main', ref: trained.branch });
  step('verify model PR', checked.violations.length === 0 ? `clean: ${checked.checkedFiles} files (schemas, checksums, lineage to the dataset, calibration)` : `${checked.violations.length} violations`);
  if (gated) {
    const { gate } = await runGateCheck({ dir, reader: deps.reader, forge: deps.forge, remote: 'origin', imageReader: async () => readImage }, { pullRequest: modelPr.number, baseRef: 'origin/main', runId: 'demo-gate', now });
    step('gate 1.0.0', `${gate.decision.decision}: the first model, judged on absolute thresholds (no production yet); gate.json committed to PR #${modelPr.number}, status cairn/gate set`);
  }
  const mergedBefore = await deps.reader.resolveCommit('origin/main');
  await reviewer.submitReview(modelPr.number, { state: 'APPROVED', body: 'metrics look right' });
  const mergedModel = await reviewer.mergePullRequest(modelPr.number);
  await pullFastForward(dir, 'main');
  step('merge model', `PR #${modelPr.number} approved by alice and merged as ${mergedModel.mergeCommitSha?.slice(0, 12)}`);

  const reproduced = await runReproduce({ dir, reader: new RepoReader(dir), ref: 'HEAD', model: DEMO_MODEL, version: trained.version, readImage, codeCommit, onProgress: progress });
  step('reproduce', `${DEMO_MODEL} ${trained.version} retrained: ${reproduced.identical ? 'byte-identical' : 'DIFFERENT'} (sha256 ${reproduced.actual.slice(0, 16)}…)`);

  await fetchRemote(dir);
  const again = await runIngestStage(deps, { dataset: DEMO_DATASET, source: exportFileSource(data.secondExport), fetchImage, runId: 'demo-ingest-again', now, base: 'origin/main' });
  step('ingest again', again.pullRequest ? `unexpected PR #${again.pullRequest.number}` : `the same export again: nothing new, nothing written (${again.result.tasks} tasks read)`);
  const retrain = await runTrainStage({ forge: deps.forge, remote: 'origin' }, { ...trainOptions, runId: 'demo-train-again' });
  step('train again', retrain.result.kind === 'unchanged' ? `${DEMO_MODEL} ${retrain.result.version} already used ${retrain.result.datasetVersion} with this config: nothing to train, nothing written` : `unexpected ${retrain.result.version}`);

  if (gated) {
    const people = { alice: reviewer, bob: new LocalForge({ dir: remote, user: 'bob', now }), carol: new LocalForge({ dir: remote, user: 'carol', now }) };
    // New images from another seed, uploaded by the same 200 users after every rollout change.
    const uploads = await generateDemoDataset({ seed: (options.seed ?? 7) + 1000, count: TRAFFIC_UPLOADS, startDate, outDir: join(root, 'traffic') });
    const traffic = await startDemoTraffic({ remote, model: DEMO_MODEL, dataDir: join(root, 'serve'), images: uploads.images.slice(0, TRAFFIC_UPLOADS) });
    step('serve', `cairn serve follows main of the remote, upload log in ${join(root, 'serve', 'uploads.sqlite')}; ${TRAFFIC_UPLOADS} users upload a new image after each rollout change`);
    try {
      await runDemoPromotion({ deps, people, readImage, trainOptions, now, step, traffic }, { mergedBefore, mergedAfter: mergedModel.mergeCommitSha });
    } finally {
      await traffic.close();
    }
  }

  const verify = await runVerify({ reader: new RepoReader(dir) });
  step('verify', verify.violations.length === 0 ? `clean, ${verify.checkedFiles} files checked` : `${verify.violations.length} violations`);
  return { dir, remote, steps };
}
