import { isRecord, readFlag, readId, show, taskError, type TaskWhere } from './task-fields.js';
import { parseTimestamp } from './timestamps.js';

/** One annotation of a task, with the fields the choice between annotations looks at. */
export interface AnnotationCandidate {
  raw: Record<string, unknown>;
  id: number;
  groundTruth: boolean;
  /** Fixed-width UTC ISO strings (see `parseTimestamp`), so they compare as text; null when absent. */
  updatedAt: string | null;
  createdAt: string | null;
}

/** Why a task yields no item. */
export type SkipReason = 'no-annotations' | 'all-cancelled';

/**
 * The one annotation a task's ground truth comes from. The rule: cancelled (skipped) annotations
 * never count; among the rest, one marked `ground_truth` wins over any that is not; within the
 * winning group the latest wins, by `updated_at`, then `created_at`, then the higher id.
 * Accepts the current `annotations` list and the old `completions` one.
 */
export function pickAnnotation(task: Record<string, unknown>, where: TaskWhere): AnnotationCandidate | { skipped: SkipReason } {
  const field = task.annotations !== undefined && task.annotations !== null ? 'annotations' : 'completions';
  const list = task[field];
  if (list === undefined || list === null) return { skipped: 'no-annotations' };
  if (!Array.isArray(list)) throw taskError(where, 'wrong-type', `${field} must be a list, not ${show(list)}`, { field });
  if (list.length === 0) return { skipped: 'no-annotations' };

  const candidates: AnnotationCandidate[] = [];
  list.forEach((raw: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(raw)) throw taskError(where, 'wrong-type', `${at} must be an object, not ${show(raw)}`, { field: at });
    if (readFlag(raw.was_cancelled, where, `${at} was_cancelled`)) return;
    candidates.push({
      raw,
      id: readId(raw.id, where, `${at} id`),
      groundTruth: readFlag(raw.ground_truth, where, `${at} ground_truth`),
      updatedAt: optionalTimestamp(raw.updated_at, where, `${at} updated_at`),
      createdAt: optionalTimestamp(raw.created_at, where, `${at} created_at`),
    });
  });
  if (candidates.length === 0) return { skipped: 'all-cancelled' };
  const pool = candidates.some((candidate) => candidate.groundTruth) ? candidates.filter((candidate) => candidate.groundTruth) : candidates;
  return pool.reduce((best, candidate) => (isLater(candidate, best) ? candidate : best));
}

function optionalTimestamp(value: unknown, where: TaskWhere, field: string): string | null {
  return value === undefined || value === null ? null : parseTimestamp(value, where, field);
}

function isLater(a: AnnotationCandidate, b: AnnotationCandidate): boolean {
  return (compareNullable(a.updatedAt, b.updatedAt) || compareNullable(a.createdAt, b.createdAt) || a.id - b.id) > 0;
}

/** A missing timestamp sorts before any present one. */
function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
