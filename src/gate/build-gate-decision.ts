import { canonicalize } from '../artifacts/canonical-json.js';
import { buildArtifact } from '../artifacts/codec.js';
import type { ArtifactOf } from '../artifacts/kinds.js';
import type { GateDecisionV2 } from '../artifacts/schemas/promotion.js';
import type { FileRef } from '../registry/training-data.js';
import { decideGate, type GateThresholds } from './decide-gate.js';
import { measurementsOf } from './gate-measurements.js';
import type { RecordedBaseline } from './measure-baseline.js';
import type { GateCandidate } from './read-gate-candidate.js';

export interface GateInputs {
  candidate: GateCandidate;
  baseline: RecordedBaseline | null;
  thresholds: GateThresholds;
  thresholdsRef: FileRef;
}

/** The gate decision of a candidate, rule by rule, with everything a replay needs. Pure. */
export function buildGateDecision(inputs: GateInputs, now: Date): GateDecisionV2 {
  const { candidate, baseline } = inputs;
  const measurements = measurementsOf(candidate.metrics);
  const verdict = decideGate(measurements, baseline, inputs.thresholds);
  const { data } = candidate;
  return buildArtifact('GateDecision', {
    model: candidate.manifest.model,
    model_version: candidate.manifest.model_version,
    candidate: { manifest: candidate.manifestRef, metrics: candidate.metricsRef, measurements },
    baseline,
    test_split: { dataset: data.dataset, dataset_version: data.version, manifest: data.manifestRef, items: data.splits.test.length },
    thresholds: inputs.thresholdsRef,
    decision: verdict.decision,
    rules: verdict.rules,
    created_at: now.toISOString(),
  });
}

/** Two decisions say the same thing: every field but when they were made (and so their checksum). */
export function sameGateDecision(recorded: ArtifactOf<'GateDecision'>, fresh: GateDecisionV2): boolean {
  const body = ({ created_at: _at, checksum: _checksum, ...rest }: { created_at: string; checksum: string }) => canonicalize(rest);
  return body(recorded) === body(fresh);
}
