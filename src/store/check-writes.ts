import { decodeArtifact, forEachLine } from '../artifacts/codec.js';
import { KINDS } from '../artifacts/kinds.js';
import { classifyPath } from '../artifacts/layout.js';
import { InputError, WriteOnceError } from '../errors.js';
import { contentBytes, type FileWrite } from './commit-files.js';
import type { RepoReader } from './repo-reader.js';

/**
 * Validates a stage's files against the rules of the store before anything is written:
 * every artifact matches its schema (and checksum), every path has a place in the layout, and
 * no write-once artifact that exists at `parent` is changed. Files identical to what `parent`
 * already holds are dropped, so re-running a stage that already committed writes nothing.
 */
export async function checkWrites(reader: RepoReader, parent: string | null, files: readonly FileWrite[]): Promise<FileWrite[]> {
  const seen = new Set<string>();
  const changed: FileWrite[] = [];
  for (const file of files) {
    if (seen.has(file.path)) throw new InputError(`${file.path}: written twice in one stage`, { file: file.path, rule: 'one-write-per-path' });
    seen.add(file.path);
    const info = classifyPath(file.path);
    if (info && info.kind === null && info.coveredBy === null) {
      throw new InputError(`${file.path}: has no place in the repository layout`, { file: file.path, rule: 'layout' });
    }
    if (info?.kind) {
      const kind = info.kind;
      if (KINDS[kind].format !== 'jsonl') decodeArtifact(kind, contentBytes(file.content), file.path);
      else if (!file.linesValidated) forEachLine(kind, contentBytes(file.content), file.path, () => {});
    }
    const existing = parent ? await reader.readFile(parent, file.path) : null;
    if (existing && Buffer.from(existing).equals(contentBytes(file.content))) continue;
    if (existing && info && !info.mutable) {
      throw new WriteOnceError(`${file.path}: already committed and write-once; a new version needs a new path`, {
        file: file.path,
        rule: 'write-once',
      });
    }
    changed.push(file);
  }
  return changed;
}
