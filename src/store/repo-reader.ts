import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import git from 'isomorphic-git';
import { NotFoundError } from '../errors.js';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact, decodeLines } from '../artifacts/codec.js';
import type { ArtifactOf, KindName } from '../artifacts/kinds.js';
import { findCommonGitDir, findGitDir } from './git-dir.js';
import { LruCache } from './lru-cache.js';
import { RefResolver } from './ref-resolver.js';

const CACHED_BLOB_BYTES = 1024 * 1024;

export interface TreeEntry {
  name: string;
  path: string;
  type: 'blob' | 'tree' | 'commit';
  mode: string;
  oid: string;
}


/**
 * Reads files and artifacts at any git ref without a checkout, through isomorphic-git. Needs no
 * git binary, so the deployer can use it in a plain container. Refs are names (`HEAD`, `main`,
 * `origin/main`, `refs/...`) or full commit ids; revision syntax such as `HEAD~1` is resolved by
 * the CLI first.
 *
 * Objects are immutable by id, so the reader keeps parsed trees, commit roots and small blobs in
 * bounded caches: reading the same path at a moving HEAD costs one ref lookup plus the objects
 * that changed, whatever the length of history.
 */
export class RepoReader {
  readonly gitdir: string;
  /** isomorphic-git's own cache: parsed pack indexes. */
  private readonly cache: object = {};
  private readonly trees = new LruCache<string, Map<string, TreeEntry>>(4096);
  private readonly roots = new LruCache<string, string>(4096);
  /** Small blobs only (artifacts, not datasets or weights): a large one is read once and streamed through. */
  private readonly blobs = new LruCache<string, Uint8Array>(32 * 1024 * 1024, (blob) => blob.length);
  private readonly refs: RefResolver;

  constructor(readonly dir: string) {
    // A linked worktree keeps its HEAD in its own git dir and everything else in the common one.
    this.gitdir = findCommonGitDir(dir);
    this.refs = new RefResolver(this.gitdir, findGitDir(dir));
  }

  /** The commit id a ref points at. */
  async resolveCommit(ref: string): Promise<string> {
    const fast = this.refs.resolve(ref);
    if (fast) return fast;
    try {
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref });
    } catch {
      try {
        return await git.expandOid({ fs, gitdir: this.gitdir, oid: ref, cache: this.cache });
      } catch {
        throw new NotFoundError(`unknown git ref "${ref}" in ${this.dir}`, { ref, dir: this.dir });
      }
    }
  }

  /**
   * The best common ancestor of two commits (the one `git merge-base` names), or null when their
   * histories never meet. A branch is judged against the point it forked from, not against
   * whatever its base branch gained since.
   */
  async mergeBase(a: string, b: string): Promise<string | null> {
    const [first, second] = await Promise.all([this.resolveCommit(a), this.resolveCommit(b)]);
    if (first === second) return first;
    // The usual pull request is up to date with its base: the base tip is among the head's recent
    // ancestors, and is then the merge base. isomorphic-git's full search costs seconds on long histories.
    if (await this.isRecentAncestor(first, second)) return first;
    if (await this.isRecentAncestor(second, first)) return second;
    const bases = await git.findMergeBase({ fs, gitdir: this.gitdir, oids: [first, second], cache: this.cache });
    return (bases[0] as string | undefined) ?? null;
  }

  /** The parents of a commit, first parent first. */
  async parentsOf(ref: string): Promise<string[]> {
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid: await this.resolveCommit(ref), cache: this.cache });
    return commit.parent;
  }

  /** Whether `ancestor` is within `limit` commits of `commit`, following every parent. */
  private async isRecentAncestor(ancestor: string, commit: string, limit = 256): Promise<boolean> {
    const seen = new Set<string>([commit]);
    const queue = [commit];
    while (queue.length > 0 && seen.size <= limit) {
      const { commit: parsed } = await git.readCommit({ fs, gitdir: this.gitdir, oid: queue.shift()!, cache: this.cache });
      for (const parent of parsed.parent) {
        if (parent === ancestor) return true;
        if (!seen.has(parent)) {
          seen.add(parent);
          queue.push(parent);
        }
      }
    }
    return false;
  }

  /** The bytes of `path` at `ref`, or null when the path does not exist there. */
  async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    const entry = await this.lookup(await this.rootTree(ref), path);
    return entry?.type === 'blob' ? this.readBlob(entry.oid) : null;
  }

  /** The blob id of `path` at `ref`, or null. */
  async blobId(ref: string, path: string): Promise<string | null> {
    const entry = await this.lookup(await this.rootTree(ref), path);
    return entry?.type === 'blob' ? entry.oid : null;
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    const cached = this.blobs.get(oid);
    if (cached) return cached;
    const blob = (await this.readLooseBlob(oid)) ?? (await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache })).blob;
    if (blob.length <= CACHED_BLOB_BYTES) this.blobs.set(oid, blob);
    return blob;
  }

  /**
   * A loose blob inflated with Node's zlib, which is several times faster than isomorphic-git's
   * JavaScript inflate on the large files a stage has just written; null when the object is packed.
   */
  private async readLooseBlob(oid: string): Promise<Uint8Array | null> {
    let deflated: Buffer;
    try {
      deflated = await readFile(join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
    } catch {
      return null;
    }
    const object = deflated.length <= HEADER_PEEK ? inflateSync(deflated) : inflateSync(deflated, { chunkSize: inflatedSize(deflated) });
    const header = object.indexOf(0);
    if (header < 0 || !object.subarray(0, header).toString('latin1').startsWith('blob ')) return null;
    return object.subarray(header + 1);
  }

  /** Reads, validates and (for sealed kinds) checksum-checks an artifact; null when absent. */
  async readArtifact<K extends KindName>(kind: K, ref: string, path: string): Promise<ArtifactOf<K> | null> {
    const bytes = await this.readFile(ref, path);
    return bytes === null ? null : decodeArtifact(kind, bytes, `${path}@${ref}`);
  }

  /** `readArtifact`, with the `{ path, sha256 }` of the bytes it read: the reference lineage records. */
  async readArtifactWithRef<K extends KindName>(kind: K, ref: string, path: string): Promise<{ artifact: ArtifactOf<K>; fileRef: { path: string; sha256: string } } | null> {
    const bytes = await this.readFile(ref, path);
    return bytes === null ? null : { artifact: decodeArtifact(kind, bytes, `${path}@${ref}`), fileRef: { path, sha256: sha256Hex(bytes) } };
  }

  /** Like readArtifact, but a missing file is an error. */
  async loadArtifact<K extends KindName>(kind: K, ref: string, path: string): Promise<ArtifactOf<K>> {
    const artifact = await this.readArtifact(kind, ref, path);
    if (artifact === null) throw new NotFoundError(`${path} does not exist at ${ref}`, { file: path, ref });
    return artifact;
  }

  async readLines<K extends KindName>(kind: K, ref: string, path: string): Promise<ArtifactOf<K>[] | null> {
    const bytes = await this.readFile(ref, path);
    return bytes === null ? null : decodeLines(kind, bytes, `${path}@${ref}`);
  }

  /** The entries of the directory `path` ('' for the root) at `ref`; empty when it does not exist. */
  async listDir(ref: string, path: string): Promise<TreeEntry[]> {
    const root = await this.rootTree(ref);
    const dir = path ? await this.lookup(root, path) : { type: 'tree', oid: root };
    return dir?.type === 'tree' ? this.readTreeEntries(dir.oid, path) : [];
  }

  /** Reads a tree object by id; entries carry paths under `prefix`. */
  async readTreeEntries(treeOid: string, prefix: string): Promise<TreeEntry[]> {
    const entries = [...(await this.readTreeMap(treeOid)).values()];
    return entries.map((entry) => ({ ...entry, path: prefix ? `${prefix}/${entry.name}` : entry.name }));
  }

  /** The root tree id of a commit. */
  async rootTree(ref: string): Promise<string> {
    const oid = await this.resolveCommit(ref);
    let root = this.roots.get(oid);
    if (!root) {
      const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      root = commit.tree;
      this.roots.set(oid, root);
    }
    return root;
  }

  /** Walks `path` down from a root tree; null when some part is missing. */
  private async lookup(rootTree: string, path: string): Promise<TreeEntry | null> {
    let entry: TreeEntry | null = null;
    let tree: string | null = rootTree;
    for (const name of path.split('/')) {
      if (tree === null) return null;
      entry = (await this.readTreeMap(tree)).get(name) ?? null;
      if (!entry) return null;
      tree = entry.type === 'tree' ? entry.oid : null;
    }
    return entry;
  }

  private async readTreeMap(oid: string): Promise<Map<string, TreeEntry>> {
    let map = this.trees.get(oid);
    if (!map) {
      const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      map = new Map(tree.map((entry) => [entry.path, { ...entry, name: entry.path }]));
      this.trees.set(oid, map);
    }
    return map;
  }

  /** Every blob under `prefix` at `ref`, depth first in tree order. */
  async *walkFiles(ref: string, prefix = ''): AsyncGenerator<TreeEntry> {
    const stack = (await this.listDir(ref, prefix)).reverse();
    while (stack.length > 0) {
      const entry = stack.pop()!;
      if (entry.type === 'tree') stack.push(...(await this.readTreeEntries(entry.oid, entry.path)).reverse());
      else if (entry.type === 'blob') yield entry;
    }
  }
}

/**
 * The inflated size of a loose object, read from the "<type> <size>\0" header at its start, so
 * the whole object is inflated into one buffer of that size: zlib's default 16 KiB chunks are
 * joined at the end, which briefly holds the object twice (100 MB for a 50 MB items file).
 * Falls back to the default chunk size when the header cannot be read from the first kilobyte or claims an impossible size.
 */
function inflatedSize(deflated: Buffer): number {
  const start = inflateSync(deflated.subarray(0, HEADER_PEEK), { finishFlush: constants.Z_SYNC_FLUSH });
  const header = start.indexOf(0);
  const size = header < 0 ? NaN : Number(start.toString('latin1', start.indexOf(0x20) + 1, header)) + header + 1;
  // Deflate expands at most 1032:1; a header claiming more is damaged and gets no such buffer.
  const plausible = Number.isSafeInteger(size) && size <= deflated.length * 1032;
  return plausible ? Math.max(size, constants.Z_MIN_CHUNK) : constants.Z_DEFAULT_CHUNK;
}

const HEADER_PEEK = 1024;
