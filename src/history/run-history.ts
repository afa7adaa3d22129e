import { decodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { RolloutState } from '../artifacts/schemas/decision.js';
import type { GitCli } from '../store/git-cli.js';
import type { RepoReader } from '../store/repo-reader.js';
import { classifyRolloutChange, summarizeRollout, type RolloutAction } from './describe-rollout-change.js';
import { isRevertMessage, parsePullRequestNumber } from './pull-request-ref.js';

export interface HistoryEntry {
  commit: string;
  date: string;
  author: string;
  subject: string;
  pullRequest: number | null;
  action: RolloutAction;
  before: string;
  after: string;
  reason: string | null;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * `cairn history <model>`: the life of a model's rollout from git history, newest first. Follows
 * the first-parent line of `ref`, so a change merged through a pull request appears once, as the
 * merge, with the pull request's number.
 */
export async function runHistory(options: { cli: GitCli; reader: RepoReader; model: string; ref?: string; limit?: number }): Promise<HistoryEntry[]> {
  const file = paths.rollout(options.model);
  const ref = options.ref ?? 'HEAD';
  const limit = options.limit ? [`--max-count=${options.limit}`] : [];
  const log = await options.cli.run([
    'log',
    '--first-parent',
    `--format=%H${FIELD}%P${FIELD}%an <%ae>${FIELD}%aI${FIELD}%B${RECORD}`,
    ...limit,
    ref,
    '--',
    file,
  ]);
  const entries: HistoryEntry[] = [];
  for (const record of log.split(RECORD)) {
    const [commit, parents, author, date, message] = record.replace(/^\n/, '').split(FIELD);
    if (!commit || message === undefined) continue;
    const firstParent = parents?.split(' ')[0] || null;
    const after = await readRollout(options.reader, commit, file);
    const before = firstParent ? await readRollout(options.reader, firstParent, file) : null;
    entries.push({
      commit,
      date: date!,
      author: author!,
      subject: message.split('\n')[0]!,
      pullRequest: parsePullRequestNumber(message),
      action: classifyRolloutChange(before, after, isRevertMessage(message) || (await mergedRevert(options.cli, commit, parents))),
      before: summarizeRollout(before),
      after: summarizeRollout(after),
      reason: after?.reason ?? null,
    });
  }
  return entries;
}

async function readRollout(reader: RepoReader, commit: string, file: string): Promise<RolloutState | null> {
  const bytes = await reader.readFile(commit, file);
  if (!bytes) return null;
  try {
    return decodeArtifact('RolloutState', bytes, `${file}@${commit.slice(0, 12)}`);
  } catch {
    return null; // history still shows a commit whose file `verify` would reject
  }
}

/** A merge whose branch holds a revert commit (GitHub's Revert button, merged as a pull request). */
async function mergedRevert(cli: GitCli, commit: string, parents: string | undefined): Promise<boolean> {
  const [first, second] = (parents ?? '').split(' ');
  if (!first || !second) return false;
  const messages = await cli.run(['log', '--format=%s', `${first}..${second}`]);
  return messages.split('\n').some((subject) => isRevertMessage(subject));
}

export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no rollout history\n';
  return entries
    .map((entry) => {
      const pr = entry.pullRequest ? ` (PR #${entry.pullRequest})` : '';
      return [
        `${entry.date}  ${entry.action}${pr}  ${entry.commit.slice(0, 12)}  ${entry.author}`,
        `    ${entry.before}  →  ${entry.after}`,
        `    ${entry.subject}${entry.reason ? `  [reason: ${entry.reason}]` : ''}`,
      ].join('\n');
    })
    .join('\n')
    .concat('\n');
}
