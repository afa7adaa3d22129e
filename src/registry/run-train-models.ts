import { describeError } from '../describe-error.js';
import type { Forge, PullRequest } from '../forge/port.js';
import type { RepoReader } from '../store/repo-reader.js';
import { modelContext } from './model-context.js';
import { formatMetricsTable, runTrainStage } from './run-train-stage.js';
import type { TrainProgress, TrainResult } from './run-train.js';

export interface TrainModelsOptions {
  dir: string;
  reader: RepoReader;
  forge: Forge;
  /** Push branches here; omit to keep them local. */
  remote?: string;
  models: string[];
  base: string;
  runId: string;
  now: () => Date;
  datasetVersion?: string;
  /** A local image folder instead of the way ingestion fetched the images. */
  imagesDir?: string;
  trainerTimeoutMs?: number;
  onProgress?: (model: string, progress: TrainProgress) => void;
  onLog?: (model: string, line: string) => void;
}

export type ModelOutcome =
  | { model: string; kind: 'trained'; result: Extract<TrainResult, { kind: 'trained' }>; pullRequest: PullRequest | null }
  | { model: string; kind: 'unchanged'; result: Extract<TrainResult, { kind: 'unchanged' }> }
  | { model: string; kind: 'failed'; error: string };

/**
 * The train workflow over several models: each trains on its own branch with its own pull
 * request; one model's failure (bad config, a trainer that times out) is recorded and the next
 * model still trains.
 */
export async function runTrainModels(options: TrainModelsOptions): Promise<ModelOutcome[]> {
  const outcomes: ModelOutcome[] = [];
  for (const model of options.models) {
    try {
      const { readImage, codeCommit } = await modelContext(options.reader, options.base, model, options.imagesDir);
      const { result, pullRequest } = await runTrainStage(
        { forge: options.forge, ...(options.remote ? { remote: options.remote } : {}) },
        {
          dir: options.dir,
          reader: options.reader,
          model,
          base: options.base,
          readImage,
          codeCommit,
          runId: options.runId,
          now: options.now,
          ...(options.datasetVersion ? { datasetVersion: options.datasetVersion } : {}),
          ...(options.trainerTimeoutMs === undefined ? {} : { trainerTimeoutMs: options.trainerTimeoutMs }),
          onProgress: (progress) => options.onProgress?.(model, progress),
          onLog: (line) => options.onLog?.(model, line),
        },
      );
      outcomes.push(result.kind === 'trained' ? { model, kind: 'trained', result, pullRequest } : { model, kind: 'unchanged', result });
    } catch (error) {
      outcomes.push({ model, kind: 'failed', error: describeError(error) });
    }
  }
  return outcomes;
}

/** The train workflow's job summary: per model, its pull request and metrics, or why not. */
export function renderTrainSummary(outcomes: readonly ModelOutcome[]): string {
  return outcomes
    .map((outcome) => {
      switch (outcome.kind) {
        case 'trained': {
          const { result } = outcome;
          return `### Trained ${outcome.model} ${result.version}\n\nOn ${result.manifest.dataset.name} ${result.manifest.dataset.version}; pull request #${outcome.pullRequest?.number}.\n\n${formatMetricsTable(result.metrics).join('\n')}\n`;
        }
        case 'unchanged':
          return `### ${outcome.model}: nothing to train\n\n${outcome.result.version} already used ${outcome.result.datasetVersion} with this trainer and config.\n`;
        case 'failed':
          return `### ${outcome.model}: training failed\n\n${outcome.error}\n`;
      }
    })
    .join('\n');
}
