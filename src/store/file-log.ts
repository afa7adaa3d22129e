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

/**
 * Every blob id `path` had on the first-parent line of `ref`, from one `git log`: a file whose
 * new bytes are one of them restores a state the branch once committed.
 */
export async function readBlobHistory(dir: string, ref: string, path: string): Promise<Set<string>> {
  const log = await new GitCli(dir).run(['log', '--first-parent', '--format=', '--raw', '--no-abbrev', '--no-renames', ref, '--', path]);
  const blobs = new Set<string>();
  for (const line of log.split('\n')) {
    // :100644 100644 <old blob> <new blob> M\t<path>
    const match = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [A-Z]/.exec(line);
    if (match && !/^0+$/.test(match[1]!)) blobs.add(match[1]!);
  }
  return blobs;
}
