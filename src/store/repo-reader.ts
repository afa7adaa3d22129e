import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { NotFoundError } from '../errors.js';
import { decodeArtifact, decodeLines } from '../artifacts/codec.js';
import type { ArtifactOf, KindName } from '../artifacts/kinds.js';
import { findGitDir } from './git-dir.js';

export interface TreeEntry {
  name: string;
  path: string;
  type: 'blob' | 'tree' | 'commit';
  mode: string;
  oid: string;
}

const OID = /^[0-9a-f]{40}$/;

/**
 * Reads files and artifacts at any git ref without a checkout, through isomorphic-git with one
 * shared object cache (pack indexes are parsed once per reader). Needs no git binary, so the
 * deployer can use it in a plain container. Refs are names (`HEAD`, `main`, `origin/main`,
 * `refs/...`) or full commit ids; revision syntax such as `HEAD~1` is resolved by the CLI first.
 */
export class RepoReader {
  readonly gitdir: string;
  private readonly cache: object = {};

  constructor(readonly dir: string) {
    this.gitdir = findGitDir(dir);
  }

  /** The commit id a ref points at. */
  async resolveCommit(ref: string): Promise<string> {
    if (OID.test(ref)) return ref;
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

  /** The bytes of `path` at `ref`, or null when the path does not exist there. */
  async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    const found = await this.readBlobAt(await this.resolveCommit(ref), path);
    return found?.blob ?? null;
  }

  /** The blob id of `path` at `ref`, or null. */
  async blobId(ref: string, path: string): Promise<string | null> {
    const commit = await this.resolveCommit(ref);
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const name = path.slice(path.lastIndexOf('/') + 1);
    const entries = await this.listDir(commit, parent);
    return entries.find((entry) => entry.name === name && entry.type === 'blob')?.oid ?? null;
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return blob;
  }

  /** Reads, validates and (for sealed kinds) checksum-checks an artifact; null when absent. */
  async readArtifact<K extends KindName>(kind: K, ref: string, path: string): Promise<ArtifactOf<K> | null> {
    const bytes = await this.readFile(ref, path);
    return bytes === null ? null : decodeArtifact(kind, bytes, `${path}@${ref}`);
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
    const commit = await this.resolveCommit(ref);
    try {
      const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid: commit, filepath: path || undefined, cache: this.cache });
      return tree.map((entry) => ({ ...entry, name: entry.path, path: path ? `${path}/${entry.path}` : entry.path }));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /** Reads a tree object by id. */
  async readTreeEntries(treeOid: string, prefix: string): Promise<TreeEntry[]> {
    const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid: treeOid, cache: this.cache });
    return tree.map((entry) => ({ ...entry, name: entry.path, path: prefix ? `${prefix}/${entry.path}` : entry.path }));
  }

  /** The root tree id of a commit. */
  async rootTree(ref: string): Promise<string> {
    const oid = await this.resolveCommit(ref);
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return commit.tree;
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

  private async readBlobAt(commit: string, path: string): Promise<{ oid: string; blob: Uint8Array } | null> {
    try {
      return await git.readBlob({ fs, gitdir: this.gitdir, oid: commit, filepath: path, cache: this.cache });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'NotFoundError' || code === 'ObjectTypeError';
}
