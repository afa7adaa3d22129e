import { canonicalize } from '../artifacts/canonical-json.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import { readRolloutState } from '../rollout/read-rollout-state.js';
import type { RepoReader } from '../store/repo-reader.js';
import { diffCommits } from '../store/tree-diff.js';

/**
 * The commit whose approval `head` records, when `head` does nothing else: its only parent is the
 * approved commit, it changes only the rollout file, and the state differs from its parent's in
 * the candidate's approval (and the bookkeeping fields) alone. Such a head keeps the approval of
 * its parent; any other push makes an approval stale.
 */
export async function readApprovalRecord(reader: RepoReader, head: string, model: string): Promise<string | null> {
  const file = paths.rollout(model);
  const after = await readRolloutState(reader, head, model);
  const approved = after?.candidate?.approval?.commit;
  if (!after || !approved) return null;
  const parents = await reader.parentsOf(head);
  if (parents.length !== 1 || parents[0] !== approved) return null;
  const changed = (await diffCommits(reader, approved, head)).map((change) => change.path);
  if (changed.length !== 1 || changed[0] !== file) return null;
  const before = await readRolloutState(reader, approved, model);
  return before && sameApartFromApproval(before, after) ? approved : null;
}

function sameApartFromApproval(before: RolloutStateV2, after: RolloutStateV2): boolean {
  const essence = (state: RolloutStateV2) => {
    const { checksum: _c, action: _a, reason: _r, updated_at: _u, candidate, ...rest } = state;
    return canonicalize({ ...rest, candidate: candidate ? { ...candidate, approval: null } : null });
  };
  return essence(before) === essence(after);
}
