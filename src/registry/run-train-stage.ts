import type { TrainingMetrics } from '../artifacts/schemas/model.js';
import type { Forge, PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import { formatMetric } from './format-metric.js';
import { describeRetrainReasons } from './plan-model-version.js';
import { runTrain, type TrainOptions, type TrainResult } from './run-train.js';

export interface TrainStageDeps {
  forge: Forge;
  /** Push the branch to this remote (the workflow's `origin`); omit to keep it local. */
  remote?: string;
}

/**
 * The train workflow: the new model version on its own branch (`cairn/train/<model>/<version>`) and
 * a pull request proposing it, its metrics in the body. Nothing to train: no branch, no pull request.
 */
export async function runTrainStage(deps: TrainStageDeps, options: Omit<TrainOptions, 'branch' | 'push'>): Promise<{ result: TrainResult; pullRequest: PullRequest | null }> {
  const result = await runTrain({
    ...options,
    branch: (version) => new StageBranch('train', options.model, version).toString(),
    // The store's push: a lost race re-plans on the remote's new tip instead of failing.
    ...(deps.remote ? { push: { remote: deps.remote } } : {}),
  });
  if (result.kind !== 'trained') return { result, pullRequest: null };
  const pullRequest = await deps.forge.openPullRequest({
    head: result.branch,
    base: options.base.replace(/^origin\//, ''),
    title: `Model ${result.model} ${result.version}: macro F1 ${formatMetric(result.metrics.classification.macro_f1, 3)}${result.metrics.detection ? `, AP50 ${formatMetric(result.metrics.detection.ap50, 3)}` : ''}`,
    body: buildTrainPullRequestBody(result),
    labels: ['cairn:model'],
  });
  return { result, pullRequest };
}

/** The pull request body: lineage and the metrics cairn measured on the frozen test split. */
export function buildTrainPullRequestBody(result: Extract<TrainResult, { kind: 'trained' }>): string {
  const { manifest, metrics } = result;
  const lines = [
    `Trained by ${manifest.trainer.kind === 'builtin' ? `the built-in trainer (cairn ${manifest.trainer.version})` : `\`${manifest.trainer.command}\``} on ${manifest.dataset.name} ${manifest.dataset.version}; ${result.change === 'first' ? 'the first version' : `parent ${manifest.parent?.model_version} (${describeRetrainReasons(result.reasons)}: ${result.change === 'taxonomy' ? 'major' : 'minor'})`}.`,
    '',
    `Metrics computed by cairn on the test split (${metrics.dataset.items} items), never by the trainer:`,
    '',
    ...formatMetricsTable(metrics),
    '',
    `model.onnx sha256 \`${manifest.files['model.onnx']?.sha256}\`; code ${manifest.code_commit}.`,
    ...result.notes.map((note) => `\n> Note: ${note}`),
  ];
  return lines.join('\n');
}

/** Markdown tables of a metrics artifact: per class, then regions, calibration and bias. */
export function formatMetricsTable(metrics: TrainingMetrics): string[] {
  const f = (value: number) => formatMetric(value);
  const c = metrics.classification;
  const lines = [
    `macro F1 **${f(c.macro_f1)}**, min class F1 ${f(c.min_class_f1)}, accuracy ${f(c.accuracy)}`,
    '',
    '| class | precision | recall | F1 | support |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(c.per_class).map(([name, s]) => `| ${name} | ${f(s.precision)} | ${f(s.recall)} | ${f(s.f1)} | ${s.support} |`),
  ];
  const d = metrics.detection;
  if (d) {
    lines.push(
      '',
      `Regions (COCO): AP ${f(d.ap)}, AP50 **${f(d.ap50)}**, AP75 ${f(d.ap75)}, AP small/medium/large ${f(d.ap_small)}/${f(d.ap_medium)}/${f(d.ap_large)}, AR100 ${f(d.ar100)}`,
      '',
      '| region class | AP |',
      '| --- | --- |',
      ...Object.entries(d.per_class_ap).map(([name, value]) => `| ${name} | ${f(value)} |`),
    );
  }
  if (metrics.calibration) lines.push('', `Calibration (isotonic, per class): ECE ${f(metrics.calibration.ece_before)} → ${f(metrics.calibration.ece_after)}`);
  if (metrics.bias) {
    const groups = Object.entries(metrics.bias.groups).map(([name, g]) => `${name} ${f(g.macro_f1)} (${g.items})`);
    lines.push('', `Bias by \`${metrics.bias.field}\`: macro F1 ${groups.join(', ')}; largest delta ${f(metrics.bias.max_delta)}`);
  }
  return lines;
}
