import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import type { UploadRecord } from './upload-record.js';

/** What a reload did: see `ReloadEvent`. */
export type ReloadOutcome = 'loaded' | 'unchanged' | 'refused' | 'unreachable';

/** The deployer's Prometheus metrics, named after the runbook with a `cairn_` prefix. */
export interface DeployerMetrics {
  readonly registry: Registry;
  recordUpload(record: UploadRecord): void;
  recordReload(model: string, outcome: ReloadOutcome): void;
  /** Sets availability and rollout info to what now serves (series of versions that left are removed). */
  recordState(model: string, rollout: RolloutStateV2 | null, available: readonly string[]): void;
}

/** Latency buckets in seconds; 0.05 and 0.1 are the runbook's bars. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Metrics on `registry` (a new one when none is given). Several deployers (one per model) may share
 * a registry: a metric already registered under its name is reused.
 */
export function createDeployerMetrics(registry: Registry = new Registry()): DeployerMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
  const predictions = counter('cairn_predictions_total', 'Uploads a model version predicted, by whether the output was accepted', ['model', 'version', 'accepted']);
  const fallbacks = counter('cairn_fallback_total', 'Uploads whose prediction was not used, by reason', ['model', 'reason']);
  const latency =
    (registry.getSingleMetric('cairn_predict_latency_seconds') as Histogram<'model'> | undefined) ??
    new Histogram({ name: 'cairn_predict_latency_seconds', help: 'processUpload time: decode, run, shadow, calibrate', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const shadow = counter('cairn_shadow_compare_total', 'Shadow runs, by whether the top class agreed with the served version', ['model', 'agree']);
  const available = gauge('cairn_model_available', '1 for each version the deployer has loaded and can run', ['model', 'version']);
  const rolloutInfo = gauge('cairn_rollout_info', 'The rollout state being served (value 1)', ['model', 'production', 'candidate', 'percent']);
  const reloads = counter('cairn_reload_total', 'Reloads of the followed ref, by outcome', ['model', 'outcome']);
  const shown = new Map<string, { versions: string[]; info: Record<string, string> | null }>();

  return {
    registry,
    recordUpload(record) {
      if (record.output) predictions.inc({ model: record.model, version: record.output.version, accepted: String(record.accepted) });
      if (record.fallback_reason) fallbacks.inc({ model: record.model, reason: record.fallback_reason });
      if (record.shadow) shadow.inc({ model: record.model, agree: String(record.shadow.agreed) });
      latency.observe({ model: record.model }, record.latency_ms / 1000);
    },
    recordReload(model, outcome) {
      reloads.inc({ model, outcome });
    },
    recordState(model, rollout, versions) {
      const before = shown.get(model);
      for (const version of before?.versions ?? []) if (!versions.includes(version)) available.remove({ model, version });
      for (const version of versions) available.set({ model, version }, 1);
      if (before?.info) rolloutInfo.remove(before.info);
      const info = rollout
        ? { model, production: rollout.production?.model_version ?? '', candidate: rollout.candidate?.model_version ?? '', percent: String(rollout.candidate?.percent ?? 0) }
        : null;
      if (info) rolloutInfo.set(info, 1);
      shown.set(model, { versions: [...versions], info });
    },
  };
}
