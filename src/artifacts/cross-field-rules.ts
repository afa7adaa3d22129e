import { DEFAULT_INPUT_SIZE, GRID_STRIDE } from '../model/feature-extractor.js';
import type { ArtifactOf, KindName } from './kinds.js';

/** A rule JSON Schema cannot say, broken: the JSON pointer of the field and the rule, by name. */
export interface CrossFieldFault {
  path: string;
  message: string;
}

type Rules = { [K in KindName]?: (value: ArtifactOf<K>) => CrossFieldFault[] };

/** Shares may be written as decimals (0.7 + 0.15 + 0.15); their float sum is within this of 1. */
const SPLIT_SUM_TOLERANCE = 1e-9;

/**
 * The rules between fields of one file, per kind, checked after its schema at every read and write
 * (`validateArtifact`), so `cairn verify` and every reader refuse the same files.
 */
const RULES: Rules = {
  DatasetConfig: ({ splits }) => {
    const sum = splits.train + splits.val + splits.test;
    if (Math.abs(sum - 1) <= SPLIT_SUM_TOLERANCE) return [];
    return [{ path: '/splits', message: `train + val + test is ${sum}, must add up to 1 (rule splits-sum)` }];
  },
  ValidationThresholds: ({ freshness }) =>
    ordered('/freshness/warn_after_days', freshness.warn_after_days, 'freshness.error_after_days', freshness.error_after_days, 'a warning comes before the failure', 'freshness-order'),
  RolloutThresholds: ({ stages, advance, rollback }) => [
    ...stages.flatMap((stage, index) =>
      index > 0 && stage <= stages[index - 1]! ? [{ path: `/stages/${index}`, message: `${stage} does not rise above ${stages[index - 1]} (rule stages-ascending)` }] : [],
    ),
    ...[
      ['max_error_rate', 'error_rate_above'],
      ['max_low_confidence_rate', 'low_confidence_rate_above'],
      ['max_correction_rate', 'correction_rate_above'],
    ].flatMap(([limit, trigger]) =>
      ordered(`/advance/${limit}`, advance[limit as keyof typeof advance], `rollback.${trigger}`, rollback[trigger as keyof typeof rollback], 'a rate may not both advance and roll back a candidate', 'advance-below-rollback'),
    ),
  ],
  ObservabilityThresholds: ({ psi_warn, psi_alert }) => ordered('/psi_warn', psi_warn, 'psi_alert', psi_alert, 'a warning comes before the alert', 'warn-before-alert'),
  ModelConfig: ({ trainer }) => {
    if (trainer.kind !== 'builtin') return [];
    const maxBoxes = trainer.config.postprocess?.maxBoxes;
    const cells = ((trainer.config.extractor?.inputSize ?? DEFAULT_INPUT_SIZE) / GRID_STRIDE) ** 2;
    if (maxBoxes === undefined || maxBoxes <= cells) return [];
    return [{ path: '/trainer/config/postprocess/maxBoxes', message: `${maxBoxes} exceeds the ${cells} cells of the grid (extractor.inputSize / ${GRID_STRIDE}, squared) (rule max-boxes-per-grid)` }];
  },
};

/** The faults of `value` under its kind's cross-field rules; none for a kind without any. */
export function crossFieldFaults<K extends KindName>(kind: K, value: ArtifactOf<K>): CrossFieldFault[] {
  const rules = RULES[kind] as ((value: ArtifactOf<K>) => CrossFieldFault[]) | undefined;
  return rules ? rules(value) : [];
}

/** `low ≤ high`, or a fault at `path` naming both fields, why, and the rule. */
function ordered(path: string, low: number, highName: string, high: number, why: string, rule: string): CrossFieldFault[] {
  if (low <= high) return [];
  return [{ path, message: `${low} exceeds ${highName} ${high}: ${why} (rule ${rule})` }];
}
