// Workflow entry of train.yml: train the next version of each model (or MODEL) on its dataset's
// newest validated version, commit it on cairn/train/<model>/<version> and open a pull request.
// Env: MODEL (default every model in registry/), DATASET_VERSION, BASE_REF (default origin/main),
// IMAGES_DIR (a local image folder instead of Label Studio), LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY,
// PUSH_REMOTE (default origin; empty keeps branches local), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN,
// TRAINER_TIMEOUT_MINUTES (an external trainer running longer is killed; that model fails, the next runs).
import * as core from '@actions/core';
import { modelContext } from '../src/cli/model-context.js';
import { describeError } from '../src/cli/output.js';
import { UsageError } from '../src/errors.js';
import { runIdFromEnv } from '../src/cli/run-id.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { listModels } from '../src/registry/read-registry.js';
import { formatMetricsTable, runTrainStage } from '../src/registry/run-train-stage.js';
import { RepoReader } from '../src/store/repo-reader.js';

const dir = process.cwd();
const base = process.env.BASE_REF ?? 'origin/main';
const remote = process.env.PUSH_REMOTE ?? 'origin';
const reader = new RepoReader(dir);
const failures: string[] = [];
const trained: string[] = [];

try {
  const trainerTimeoutMs = minutesFromEnv('TRAINER_TIMEOUT_MINUTES');
  const models = process.env.MODEL ? [process.env.MODEL] : await listModels(reader, base);
  const forge = await forgeFromEnv(dir);
  for (const model of models) {
    try {
      const { readImage, codeCommit } = await modelContext(reader, base, model, process.env.IMAGES_DIR);
      let lastLogged = -1;
      const { result, pullRequest } = await runTrainStage(
        { forge, ...(remote === '' ? {} : { remote }) },
        {
          dir,
          reader,
          model,
          base,
          readImage,
          codeCommit,
          runId: runIdFromEnv(),
          now: () => new Date(),
          ...(process.env.DATASET_VERSION ? { datasetVersion: process.env.DATASET_VERSION } : {}),
          ...(trainerTimeoutMs === undefined ? {} : { trainerTimeoutMs }),
          onProgress: ({ phase, done, total }) => {
            const tenth = Math.floor((10 * done) / Math.max(total, 1));
            if (tenth !== lastLogged || done === 0) core.info(`${model}: ${phase} ${done}/${total}`);
            lastLogged = tenth;
          },
          onLog: (line) => core.info(`${model} trainer: ${line}`),
        },
      );
      if (result.kind === 'unchanged') {
        core.summary.addRaw(`### ${model}: nothing to train\n\n${result.version} already used ${result.datasetVersion} with this trainer and config.\n\n`);
        continue;
      }
      trained.push(`${model}@${result.version}`);
      core.summary.addRaw(`### Trained ${model} ${result.version}\n\nOn ${result.manifest.dataset.name} ${result.manifest.dataset.version}; pull request #${pullRequest?.number}.\n\n${formatMetricsTable(result.metrics).join('\n')}\n\n`);
    } catch (error) {
      failures.push(`${model}: ${describeError(error)}`);
      core.summary.addRaw(`### ${model}: training failed\n\n${describeError(error)}\n\n`);
    }
  }
  await core.summary.write();
  core.setOutput('trained', trained.join(' '));
  if (failures.length > 0) core.setFailed(failures.join('\n'));
} catch (error) {
  core.setFailed(describeError(error));
}

/** Milliseconds from an environment variable in minutes; undefined when unset or empty. */
function minutesFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new UsageError(`${name} must be a positive number of minutes, not "${text}"`, { variable: name });
  return minutes * 60_000;
}
