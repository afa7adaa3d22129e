import { formatMetric } from '../registry/format-metric.js';
import { describeRetrainReasons } from '../registry/plan-model-version.js';
import type { TrainResult } from '../registry/run-train.js';

/** What `cairn train` prints: the new version, why it was trained, its test metrics, or that nothing changed. */
export function formatTrain(result: TrainResult, pullRequest: number | null): string {
  if (result.kind === 'unchanged') {
    return `${result.model}: ${result.version} was already trained on ${result.datasetVersion} with this trainer and config; nothing to train, nothing written\n`;
  }
  const m = result.metrics;
  const f = (value: number) => formatMetric(value);
  const lines = [
    `${result.model} ${result.version} (${describeRetrainReasons(result.reasons)}) trained on ${result.manifest.dataset.name} ${result.manifest.dataset.version}: committed ${result.commit.slice(0, 12)} on ${result.branch}`,
    `  test split (${m.dataset.items} items): macro F1 ${f(m.classification.macro_f1)}, min class F1 ${f(m.classification.min_class_f1)}${m.detection ? `, AP ${f(m.detection.ap)}, AP50 ${f(m.detection.ap50)}` : ''}`,
    ...(m.calibration ? [`  calibration: ECE ${f(m.calibration.ece_before)} → ${f(m.calibration.ece_after)}`] : []),
    ...(m.bias ? [`  bias by ${m.bias.field}: largest macro F1 delta ${f(m.bias.max_delta)}`] : []),
    `  model.onnx sha256 ${result.manifest.files['model.onnx']?.sha256}`,
    ...result.notes.map((note) => `  note: ${note}`),
    ...(pullRequest ? [`pull request #${pullRequest} opened`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
