import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { readRolloutState } from '../rollout/read-rollout-state.js';
import type { RepoReader } from '../store/repo-reader.js';
import { readBlobHistory } from '../store/file-log.js';
import type { Violation } from './violation.js';

/**
 * A rollout change against the base: a candidate moves one stage at a time (and starts at its
 * first), and a new production was the candidate at its last stage. A revert is exempt: new
 * bytes identical to a version of the file the base once committed restore a state the base
 * already accepted.
 */
export async function checkRolloutTransition(reader: RepoReader, baseCommit: string, file: string, newOid: string, after: RolloutStateV2, out: Violation[]): Promise<void> {
  const before = await readRolloutState(reader, baseCommit, after.model).catch(() => null);
  const found = [...candidateMoves(file, before, after), ...productionChange(file, before, after)];
  if (found.length === 0) return;
  if ((await readBlobHistory(reader.dir, baseCommit, file)).has(newOid)) return;
  out.push(...found);
}

function candidateMoves(file: string, before: RolloutStateV2 | null, after: RolloutStateV2): Violation[] {
  const now = after.candidate;
  if (!now) return [];
  const was = before?.candidate;
  if (!was || was.model_version !== now.model_version) {
    return now.percent === now.stages[0] ? [] : [{ file, rule: 'skipped-stage', pointer: '/candidate/percent', message: `${now.model_version} starts at ${now.percent}%, not at its first stage ${now.stages[0]}%` }];
  }
  if (was.stages.join() !== now.stages.join()) {
    return [{ file, rule: 'rollout-stages', pointer: '/candidate/stages', message: `the stages of ${now.model_version} changed during its rollout: [${was.stages.join(', ')}] → [${now.stages.join(', ')}]` }];
  }
  const from = was.stages.indexOf(was.percent);
  const to = now.stages.indexOf(now.percent);
  if (to > from + 1) {
    const skipped = now.stages.slice(from + 1, to).map((p) => `${p}%`).join(', ');
    return [{ file, rule: 'skipped-stage', pointer: '/candidate/percent', message: `${now.model_version} jumps from ${was.percent}% to ${now.percent}%, skipping ${skipped}` }];
  }
  return [];
}

function productionChange(file: string, before: RolloutStateV2 | null, after: RolloutStateV2): Violation[] {
  const production = after.production;
  if (!production || production.model_version === before?.production?.model_version) return [];
  const was = before?.candidate;
  if (was?.model_version === production.model_version && was.percent === was.stages.at(-1)) return [];
  const where = was?.model_version === production.model_version ? `was a candidate only at ${was.percent}% of [${was.stages.join(', ')}]` : 'was not the candidate';
  return [{ file, rule: 'never-candidate', pointer: '/production', message: `${production.model_version} becomes production but ${where} in the base; promote it from its last stage` }];
}
