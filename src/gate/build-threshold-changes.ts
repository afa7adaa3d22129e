import type { ThresholdChange } from './render-threshold-plan.js';

/**
 * The values that differ between two thresholds files, by dotted key, in the order of the proposed
 * file (keys only the current one has come last). Lists are compared whole: `stages` [5, 25, 100]
 * → [0, 10, 50, 100] is one change. Pure: both files are already read and upgraded to one format.
 */
export function buildThresholdChanges(current: unknown, proposed: unknown): ThresholdChange[] {
  const before = flatten(current);
  const after = flatten(proposed);
  const changes: ThresholdChange[] = [];
  for (const [key, value] of after) {
    const old = before.has(key) ? before.get(key) : undefined;
    if (JSON.stringify(old) !== JSON.stringify(value)) changes.push({ key, before: old ?? null, after: value });
  }
  for (const [key, value] of before) if (!after.has(key)) changes.push({ key, before: value, after: null });
  return changes;
}

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}
