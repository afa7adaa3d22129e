import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OID = /^[0-9a-f]{40}$/;

/**
 * Resolves ref names to commit ids by reading the git directory directly: loose ref files, then
 * packed-refs (parsed once per change of its mtime), in git's own lookup order. Annotated tags
 * resolve through their peeled line. Returns null for what it cannot resolve, so the caller can
 * fall back to a slower, complete resolver.
 *
 * Reads are synchronous on purpose: a ref file is 41 bytes, and a thread-pool round trip costs
 * several times the read itself on the deployer's hot path.
 */
export class RefResolver {
  private packed: { mtimeMs: number; refs: Map<string, string> } | null = null;

  /**
   * `gitdir` holds the refs a repository shares; `worktreeGitdir`, in a linked worktree, its own
   * HEAD and pseudo-refs (FETCH_HEAD, ORIG_HEAD, …).
   */
  constructor(
    private readonly gitdir: string,
    private readonly worktreeGitdir: string = gitdir,
  ) {}

  resolve(name: string, depth = 0): string | null {
    if (OID.test(name)) return name;
    if (depth > 5) return null;
    for (const candidate of candidates(name)) {
      const loose = readLoose(join(/^[A-Z_]+$/.test(candidate) ? this.worktreeGitdir : this.gitdir, candidate));
      if (loose !== null) return loose.startsWith('ref: ') ? this.resolve(loose.slice(5), depth + 1) : OID.test(loose) ? loose : null;
      const packed = this.packedRefs().get(candidate);
      if (packed) return packed;
    }
    return null;
  }

  private packedRefs(): Map<string, string> {
    const path = join(this.gitdir, 'packed-refs');
    const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (this.packed?.mtimeMs === mtimeMs) return this.packed.refs;
    const refs = new Map<string, string>();
    const text = mtimeMs < 0 ? '' : readFileSync(path, 'utf8');
    let last: string | null = null;
    for (const line of text.split('\n')) {
      if (line.startsWith('^') && last) refs.set(last, line.slice(1).trim()); // peeled tag: the commit it points at
      else if (/^[0-9a-f]{40} /.test(line)) {
        last = line.slice(41).trim();
        refs.set(last, line.slice(0, 40));
      }
    }
    this.packed = { mtimeMs, refs };
    return refs;
  }
}

function candidates(name: string): string[] {
  if (name === 'HEAD' || name.startsWith('refs/')) return [name];
  return [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
}

function readLoose(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}
