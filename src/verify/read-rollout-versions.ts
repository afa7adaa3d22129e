import { GitCli } from '../store/git-cli.js';

/**
 * The blob ids `path` ever had on the first-parent line of `ref`, one `git log` for the whole
 * history: a rollout file whose new bytes are one of them restores an earlier committed state.
 */
export async function readRolloutVersions(dir: string, ref: string, path: string): Promise<Set<string>> {
  const log = await new GitCli(dir).run(['log', '--first-parent', '--format=', '--raw', '--no-abbrev', '--no-renames', ref, '--', path]);
  const blobs = new Set<string>();
  for (const line of log.split('\n')) {
    // :100644 100644 <old blob> <new blob> M\t<path>
    const match = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [A-Z]/.exec(line);
    if (match && !/^0+$/.test(match[1]!)) blobs.add(match[1]!);
  }
  return blobs;
}
