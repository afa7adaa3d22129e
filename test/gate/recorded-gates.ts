import { formatJsonFile } from '../../src/artifacts/canonical-json.js';
import { buildArtifact, computeChecksum } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import { decideGate, type GateBaseline, type GateThresholds } from '../../src/gate/decide-gate.js';
import type { GateMeasurements } from '../../src/gate/gate-measurements.js';
import type { FileWrite } from '../../src/store/commit-files.js';

/** The shipped `thresholds/gating.yaml`, as the rules read it. */
export const SHIPPED: GateThresholds = {
  min_macro_f1: 0.85,
  min_class_f1: 0.7,
  min_ap50: 0.5,
  max_regression: { macro_f1: 0.02, class_f1: 0.05, ap50: 0.03, region_class_ap: 0.05 },
  reject_on_regression: true,
  max_bias_delta: 0.1,
  max_ece: 0.1,
  manual_review_margin: 0.02,
};

const FAKE_REF = { path: 'registry/x/manifest.json', sha256: '0'.repeat(64) };

export function measured(classF1: Record<string, number>, patch: Partial<GateMeasurements> = {}): GateMeasurements {
  const values = Object.values(classF1);
  return { macro_f1: values.reduce((a, b) => a + b, 0) / values.length, class_f1: classF1, ap50: 0.8, region_ap: { circle: 0.7 }, ece: 0.03, bias_delta: 0.02, ...patch };
}

/** A format 2 gate.json as the gate records it, decided by `thresholds` (the shipped ones unless given). */
export function recordedGate(model: string, version: string, candidate: GateMeasurements, baseline: (GateBaseline & { model_version: string }) | null = null, thresholds = SHIPPED): FileWrite {
  const verdict = decideGate(candidate, baseline, thresholds);
  const gate = buildArtifact('GateDecision', {
    model,
    model_version: version,
    candidate: { manifest: FAKE_REF, metrics: FAKE_REF, measurements: candidate },
    baseline: baseline ? { ...baseline, manifest: FAKE_REF } : null,
    test_split: { dataset: model, dataset_version: 'v0001', manifest: FAKE_REF, items: 100 },
    thresholds: { path: 'thresholds/gating.yaml', sha256: '1'.repeat(64) },
    decision: verdict.decision,
    rules: verdict.rules,
    created_at: '2026-11-01T00:00:00.000Z',
  });
  return { path: paths.modelFile(model, version, 'gate.json'), content: formatJsonFile(gate) };
}

/** A format 1 gate.json: reasons without the measurements a replay needs. */
export function formatOneGate(model: string, version: string): FileWrite {
  const body = {
    schema: 'GateDecision/v1',
    model,
    model_version: version,
    candidate: { manifest: FAKE_REF, metrics: FAKE_REF },
    baseline: null,
    thresholds: { path: 'thresholds/gating.yaml', sha256: '1'.repeat(64) },
    decision: 'approve',
    reasons: [{ rule: 'min_macro_f1', metric: 'macro_f1', value: 0.9, threshold: 0.85, comparator: '>=', outcome: 'pass' }],
    created_at: '2026-01-01T00:00:00.000Z',
  };
  return { path: paths.modelFile(model, version, 'gate.json'), content: formatJsonFile({ ...body, checksum: computeChecksum(body) }) };
}
