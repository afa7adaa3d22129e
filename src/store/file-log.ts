import { GitCli } from './git-cli.js';

export interface LogEntry {
  commit: string;
  /** Parent commit ids, first parent first; a merge has two. */
  parents: string[];
  /** `Name <email>` of the author. */
  author: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
  message: string;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * The commits on the first-parent line of `ref` that changed `path`, newest first: on a branch
 * that takes changes through pull requests, each change appears once, as its merge.
 */
export async function readFirstParentLog(dir: string, options: { ref: string; path: string; limit?: number }): Promise<LogEntry[]> {
  const limit = options.limit ? [`--max-count=${options.limit}`] : [];
  const log = await new GitCli(dir).run(['log', '--first-parent', `--format=%H${FIELD}%P${FIELD}%an <%ae>${FIELD}%aI${FIELD}%B${RECORD}`, ...limit, options.ref, '--', options.path]);
  const entries: LogEntry[] = [];
  for (const record of log.split(RECORD)) {
    const [commit, parents, author, date, message] = record.replace(/^\n/, '').split(FIELD);
    if (!commit || message === undefined) continue;
    entries.push({ commit, parents: parents ? parents.split(' ').filter(Boolean) : [], author: author!, date: date!, message });
  }
  return entries;
}

/** The subjects of the commits reachable from `to` but not from `from` (`git log from..to`). */
export async function readCommitSubjects(dir: string, from: string, to: string): Promise<string[]> {
  const out = await new GitCli(dir).run(['log', '--format=%s', `${from}..${to}`]);
  return out.split('\n').filter((line) => line !== '');
}
