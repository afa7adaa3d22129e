import { readBlobHistory } from '../store/file-log.js';

/** The blob ids a rollout file ever had on the first-parent line of `ref` (see `readBlobHistory`). */
export function readRolloutVersions(dir: string, ref: string, path: string): Promise<Set<string>> {
  return readBlobHistory(dir, ref, path);
}
