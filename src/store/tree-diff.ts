import type { RepoReader, TreeEntry } from './repo-reader.js';

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  oldOid: string | null;
  newOid: string | null;
}

/**
 * The files that differ between two commits. Subtrees with the same id are skipped, so the cost
 * follows the size of the change (times the depth of the tree), not the size of the repository.
 */
export async function diffCommits(reader: RepoReader, baseRef: string, headRef: string): Promise<FileChange[]> {
  const [baseTree, headTree] = await Promise.all([reader.rootTree(baseRef), reader.rootTree(headRef)]);
  const changes: FileChange[] = [];
  await diffTrees(reader, baseTree, headTree, '', changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function diffTrees(reader: RepoReader, oldTree: string | null, newTree: string | null, prefix: string, out: FileChange[]): Promise<void> {
  if (oldTree === newTree) return;
  const [before, after] = await Promise.all([
    oldTree ? reader.readTreeEntries(oldTree, prefix) : Promise.resolve([]),
    newTree ? reader.readTreeEntries(newTree, prefix) : Promise.resolve([]),
  ]);
  const old = new Map(before.map((entry) => [entry.name, entry]));
  const seen = new Set<string>();
  for (const entry of after) {
    seen.add(entry.name);
    await compare(reader, old.get(entry.name) ?? null, entry, out);
  }
  for (const entry of before) if (!seen.has(entry.name)) await compare(reader, entry, null, out);
}

async function compare(reader: RepoReader, before: TreeEntry | null, after: TreeEntry | null, out: FileChange[]): Promise<void> {
  if (before && after && before.oid === after.oid && before.type === after.type) return;
  const path = (after ?? before)!.path;
  const oldTree = before?.type === 'tree' ? before.oid : null;
  const newTree = after?.type === 'tree' ? after.oid : null;
  if (oldTree || newTree) await diffTrees(reader, oldTree, newTree, path, out);
  const oldBlob = before && before.type !== 'tree' ? before.oid : null;
  const newBlob = after && after.type !== 'tree' ? after.oid : null;
  if (oldBlob === null && newBlob === null) return;
  const status = oldBlob === null ? 'added' : newBlob === null ? 'deleted' : 'modified';
  out.push({ path, status, oldOid: oldBlob, newOid: newBlob });
}
