import type { Static, TSchema } from '@sinclair/typebox';
import { DatasetArtifact, DatasetItemV1, DatasetItemV2, ValidationReport, WeakLabel } from './schemas/dataset.js';
import { FeedbackCandidates, GateDecision, MonitoringSnapshot, RolloutState } from './schemas/decision.js';
import { DatasetConfig, ModelConfig } from './schemas/model-config.js';
import { GateDecisionV2, GatingThresholdsV2, RolloutStateV2, RolloutThresholdsV2 } from './schemas/promotion.js';
import { Calibration, ModelArtifact, TrainingMetrics } from './schemas/model.js';
import { Taxonomy } from './schemas/taxonomy.js';
import {
  FeedbackThresholds,
  GatingThresholds,
  ObservabilityThresholds,
  RolloutThresholds,
  ServingThresholds,
  ValidationThresholds,
} from './schemas/thresholds.js';

/**
 * Every kind of file cairn commits, with its schema per format version and how it is stored.
 * `sealed` kinds carry their own checksum; `lines` kinds are JSONL whose lines each match the schema.
 */
export const KINDS = {
  Taxonomy: { versions: { 1: Taxonomy }, format: 'json', sealed: true },
  DatasetArtifact: { versions: { 1: DatasetArtifact }, format: 'json', sealed: true },
  DatasetItem: { versions: { 1: DatasetItemV1, 2: DatasetItemV2 }, format: 'jsonl', sealed: false },
  WeakLabel: { versions: { 1: WeakLabel }, format: 'jsonl', sealed: false },
  ValidationReport: { versions: { 1: ValidationReport }, format: 'json', sealed: true },
  ModelArtifact: { versions: { 1: ModelArtifact }, format: 'json', sealed: true },
  TrainingMetrics: { versions: { 1: TrainingMetrics }, format: 'json', sealed: true },
  Calibration: { versions: { 1: Calibration }, format: 'json', sealed: true },
  GateDecision: { versions: { 1: GateDecision, 2: GateDecisionV2 }, format: 'json', sealed: true },
  RolloutState: { versions: { 1: RolloutState, 2: RolloutStateV2 }, format: 'json', sealed: true },
  MonitoringSnapshot: { versions: { 1: MonitoringSnapshot }, format: 'json', sealed: true },
  FeedbackCandidates: { versions: { 1: FeedbackCandidates }, format: 'json', sealed: true },
  ModelConfig: { versions: { 1: ModelConfig }, format: 'yaml', sealed: false },
  DatasetConfig: { versions: { 1: DatasetConfig }, format: 'yaml', sealed: false },
  ValidationThresholds: { versions: { 1: ValidationThresholds }, format: 'yaml', sealed: false },
  GatingThresholds: { versions: { 1: GatingThresholds, 2: GatingThresholdsV2 }, format: 'yaml', sealed: false },
  RolloutThresholds: { versions: { 1: RolloutThresholds, 2: RolloutThresholdsV2 }, format: 'yaml', sealed: false },
  ServingThresholds: { versions: { 1: ServingThresholds }, format: 'yaml', sealed: false },
  FeedbackThresholds: { versions: { 1: FeedbackThresholds }, format: 'yaml', sealed: false },
  ObservabilityThresholds: { versions: { 1: ObservabilityThresholds }, format: 'yaml', sealed: false },
} as const satisfies Record<string, { versions: Record<number, TSchema>; format: 'json' | 'jsonl' | 'yaml'; sealed: boolean }>;

export type KindName = keyof typeof KINDS;

type Versions<K extends KindName> = (typeof KINDS)[K]['versions'];

/** The TypeScript type of a kind as read: any of the format versions this build knows. */
export type ArtifactOf<K extends KindName> = Static<Extract<Versions<K>[keyof Versions<K>], TSchema>>;

type Newest<V> = 3 extends keyof V ? V[3] : 2 extends keyof V ? V[2] : 1 extends keyof V ? V[1] : never;

/** The TypeScript type of the format version cairn writes for a kind: its newest. */
export type CurrentOf<K extends KindName> = Static<Extract<Newest<Versions<K>>, TSchema>>;

export function isKindName(name: string): name is KindName {
  return Object.hasOwn(KINDS, name);
}

/** The current format version written for each kind. */
export function currentVersion(kind: KindName): number {
  return Math.max(...Object.keys(KINDS[kind].versions).map(Number));
}

export function schemaTag(kind: KindName, version = currentVersion(kind)): string {
  return `${kind}/v${version}`;
}

export function parseSchemaTag(tag: string): { kind: string; version: number } | null {
  const match = /^([A-Za-z]+)\/v([1-9][0-9]*)$/.exec(tag);
  return match ? { kind: match[1]!, version: Number(match[2]) } : null;
}
