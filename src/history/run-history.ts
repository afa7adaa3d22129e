import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 as RolloutState } from '../artifacts/schemas/promotion.js';
import { upgradeRolloutState } from '../artifacts/upgrade-promotion.js';
import { readCommitSubjects, readFirstParentLog } from '../store/file-log.js';
import type { RepoReader } from '../store/repo-reader.js';
import { classifyRolloutChange, newApproval, summarizeRollout, type HistoryAction } from './describe-rollout-change.js';
import { isRevertMessage, parsePullRequestNumber } from './pull-request-ref.js';

export interface HistoryEntry {
  commit: string;
  date: string;
  author: string;
  subject: string;
  pullRequest: number | null;
  action: HistoryAction;
  /** The approval of a manual review this change recorded: who, when, on which pull request. */
  approval: { by: string; at: string; pullRequest: number | null } | null;
  before: string;
  after: string;
  reason: string | null;
}

export async function runHistory(options: { reader: RepoReader; model: string; ref?: string; limit?: number }): Promise<HistoryEntry[]> {
  const { reader } = options;
  const file = paths.rollout(options.model);
  const log = await readFirstParentLog(reader.dir, { ref: options.ref ?? 'HEAD', path: file, limit: options.limit });
  const entries: HistoryEntry[] = [];
  for (const { commit, parents, author, date, message } of log) {
    const firstParent = parents[0] ?? null;
    const after = await readRollout(reader, commit, file);
    const before = firstParent ? await readRollout(reader, firstParent, file) : null;
    const approval = newApproval(before, after);
    entries.push({
      commit,
      date,
      author,
      subject: message.split('\n')[0]!,
      pullRequest: parsePullRequestNumber(message),
      action: classifyRolloutChange(before, after, isRevertMessage(message) || (await mergedRevert(reader.dir, parents))),
      approval: approval ? { by: approval.by, at: approval.at, pullRequest: approval.pull_request } : null,
      before: summarizeRollout(before),
      after: summarizeRollout(after),
      // A revert restores an older state, reason and all; why it was reverted is in its commit.
      reason: reasonTrailer(message) ?? after?.reason ?? null,
    });
  }
  return entries;
}

async function readRollout(reader: RepoReader, commit: string, file: string): Promise<RolloutState | null> {
  const bytes = await reader.readFile(commit, file);
  if (!bytes) return null;
  try {
    return upgradeRolloutState(decodeArtifact('RolloutState', bytes, `${file}@${commit.slice(0, 12)}`));
  } catch {
    return null; // history still shows a commit whose file `verify` would reject
  }
}

/** A merge whose branch holds a revert commit (GitHub's Revert button, merged as a pull request). */
async function mergedRevert(dir: string, parents: string[]): Promise<boolean> {
  const [first, second] = parents;
  if (!first || !second) return false;
  return (await readCommitSubjects(dir, first, second)).some((subject) => isRevertMessage(subject));
}

export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no rollout history\n';
  return entries
    .map((entry) => {
      const pr = entry.pullRequest ? ` (PR #${entry.pullRequest})` : '';
      return [
        `${entry.date}  ${entry.action}${pr}  ${entry.commit.slice(0, 12)}  ${entry.author}`,
        `    ${entry.before}  →  ${entry.after}`,
        ...(entry.approval ? [`    approved by ${entry.approval.by} at ${entry.approval.at}${entry.approval.pullRequest ? ` on PR #${entry.approval.pullRequest}` : ''}`] : []),
        `    ${entry.subject}${entry.reason ? `  [reason: ${entry.reason}]` : ''}`,
      ].join('\n');
    })
    .join('\n')
    .concat('\n');
}

/** The `Cairn-Reason:` trailer a rollback or rollout commit carries, if any. */
function reasonTrailer(message: string): string | null {
  const match = /^Cairn-Reason: (.+)$/m.exec(message);
  return match ? match[1]!.trim() : null;
}
