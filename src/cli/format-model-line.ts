import { formatMetric } from '../registry/format-metric.js';
import type { ModelVersionSummary } from '../registry/read-registry.js';

/** One line of `cairn models list`. */
export function formatModelLine(summary: ModelVersionSummary): string {
  const { metrics } = summary;
  const f1 = formatMetric(metrics?.classification.macro_f1, 3);
  const ap50 = formatMetric(metrics?.detection?.ap50, 3);
  return `${summary.model} ${summary.version.padEnd(8)} macro F1 ${f1}  AP50 ${ap50}  gate ${summary.gate?.decision ?? '—'}  ${summary.serving ?? ''}  (dataset ${summary.manifest.dataset.version}, ${summary.manifest.created_at})\n`;
}
