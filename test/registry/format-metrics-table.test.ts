import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../src/artifacts/codec.js';
import { packageRoot } from '../../src/package-root.js';
import { formatMetricsTable } from '../../src/registry/run-train-stage.js';

// The project's own shapes 1.0.0: its test split has no large object, so COCO's AP large is -1.
const file = 'registry/shapes/1.0.0/metrics.json';
const metrics = decodeArtifact('TrainingMetrics', readFileSync(`${packageRoot()}/${file}`), file);

describe('formatMetricsTable', () => {
  it('prints every class, the COCO summary and calibration, with a dash where COCO has nothing to measure', () => {
    expect(metrics.detection?.ap_large).toBe(-1);
    const lines = formatMetricsTable(metrics);
    expect(lines[0]).toBe('macro F1 **0.9235**, min class F1 0.9128, accuracy 0.9231');
    expect(lines).toContain('| triangle | 0.9067 | 0.9189 | 0.9128 | 74 |');
    expect(lines).toContain('Regions (COCO): AP 0.5033, AP50 **0.8947**, AP75 0.4808, AP small/medium/large 0.4983/0.6487/—, AR100 0.6296');
    expect(lines).toContain('| ring | 0.4262 |');
    expect(lines).toContain('Calibration (isotonic, per class): ECE 0.0759 → 0.0299');
    expect(lines.at(-1)).toMatch(/^Bias by `background`: macro F1 .+; largest delta 0\.0\d{3}$/);
  });
});
