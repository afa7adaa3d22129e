// Workflow entry of train.yml: train the next version of each model (or MODEL) on its dataset's
// newest validated version, commit it on cairn/train/<model>/<version> and open a pull request.
// Env: MODEL (default every model in registry/), DATASET_VERSION, BASE_REF (default origin/main),
// IMAGES_DIR (a local image folder instead of Label Studio), LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY,
// PUSH_REMOTE (default origin; empty keeps branches local), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN,
// TRAINER_TIMEOUT_MINUTES (an external trainer running longer is killed; that model fails, the next runs).
import * as core from '@actions/core';
import { minutesFromEnv, pushRemoteFromEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { listModels } from '../src/registry/read-registry.js';
import { renderTrainSummary, runTrainModels } from '../src/registry/run-train-models.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const base = process.env.BASE_REF ?? 'origin/main';
  const reader = new RepoReader(dir);
  const trainerTimeoutMinutes = minutesFromEnv('TRAINER_TIMEOUT_MINUTES');
  const logged = new Map<string, number>();
  const outcomes = await runTrainModels({
    dir,
    reader,
    forge: await forgeFromEnv(dir),
    remote: pushRemoteFromEnv(),
    models: process.env.MODEL ? [process.env.MODEL] : await listModels(reader, base),
    base,
    runId: runIdFromEnv(),
    now: () => new Date(),
    datasetVersion: process.env.DATASET_VERSION || undefined,
    imagesDir: process.env.IMAGES_DIR || undefined,
    trainerTimeoutMs: trainerTimeoutMinutes === undefined ? undefined : trainerTimeoutMinutes * 60_000,
    onProgress: (model, { phase, done, total }) => {
      const tenth = Math.floor((10 * done) / Math.max(total, 1));
      if (tenth !== logged.get(model) || done === 0) core.info(`${model}: ${phase} ${done}/${total}`);
      logged.set(model, tenth);
    },
    onLog: (model, line) => core.info(`${model} trainer: ${line}`),
  });
  await core.summary.addRaw(renderTrainSummary(outcomes)).write();
  core.setOutput('trained', outcomes.flatMap((o) => (o.kind === 'trained' ? [`${o.model}@${o.result.version}`] : [])).join(' '));
  const failures = outcomes.flatMap((o) => (o.kind === 'failed' ? [`${o.model}: ${o.error}`] : []));
  if (failures.length > 0) core.setFailed(failures.join('\n'));
});
