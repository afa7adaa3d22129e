import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import type { Violation } from './violation.js';

/** A candidate's stages strictly increase and end at 100 (0, shadow only, may come first), and it sits at one of them. */
export function checkRolloutStages(file: string, state: RolloutStateV2, out: Violation[]): void {
  const candidate = state.candidate;
  if (!candidate) return;
  const { stages, percent } = candidate;
  if (stages.at(-1) !== 100 || stages.some((p, i) => i > 0 && !(p > stages[i - 1]!))) {
    out.push({ file, rule: 'rollout-stages', pointer: '/candidate/stages', message: `stages of ${candidate.model_version} must increase strictly and end at 100, not [${stages.join(', ')}]` });
  }
  if (!stages.includes(percent)) {
    out.push({ file, rule: 'rollout-percent', pointer: '/candidate/percent', message: `${candidate.model_version} is at ${percent}%, which is not one of its stages [${stages.join(', ')}]` });
  }
}
