import type { Forge } from '../forge/port.js';
import { thresholdPlanMarker, thresholdPlanPartOf, type ThresholdPlanComment } from './render-threshold-plan.js';

/**
 * Posts the plan on a pull request, each part edited in place, and deletes the parts a longer
 * earlier plan left behind, so the page always shows exactly the current plan.
 */
export async function applyThresholdPlanComment(forge: Forge, pullRequest: number, comment: ThresholdPlanComment): Promise<{ updated: number; deleted: number }> {
  for (const part of comment.parts) await forge.upsertComment(pullRequest, part.marker, part.body);
  const stale = new Set<number>();
  for (const existing of await forge.listComments(pullRequest)) {
    const part = thresholdPlanPartOf(existing.body);
    if (part !== null && part > comment.parts.length) stale.add(part);
  }
  for (const part of [...stale].sort((a, b) => a - b)) await forge.deleteComment(pullRequest, thresholdPlanMarker(part));
  return { updated: comment.parts.length, deleted: stale.size };
}
