import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitCli, GitEnv } from './git-cli.js';

export interface FileWrite {
  path: string;
  content: string | Uint8Array;
  /**
   * Set by a planner that validated every JSONL record against its kind's schema as it wrote the
   * line, so the store need not parse a large file back to check it again.
   */
  linesValidated?: boolean;
}

const BATCH = 400;

/**
 * Creates one commit holding `files` on top of `parent` without touching the work tree or the
 * index: blobs are written to the object store, the tree is built in a private index file, and
 * nothing is reachable until the caller moves a ref. A crash at any point leaves only unreachable
 * objects, which git's gc removes.
 */
export async function createCommit(
  cli: GitCli,
  parent: string | null,
  files: readonly FileWrite[],
  message: string,
  identity: GitEnv,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-commit-'));
  try {
    const indexEnv: GitEnv = { GIT_INDEX_FILE: join(scratch, 'index') };
    await cli.run(parent ? ['read-tree', parent] : ['read-tree', '--empty'], indexEnv);
    const sources = await Promise.all(
      files.map(async (file, i) => {
        const source = join(scratch, `blob-${i}`);
        await writeFile(source, file.content);
        return source;
      }),
    );
    const oids: string[] = [];
    for (let i = 0; i < sources.length; i += BATCH) {
      // Fast zlib for loose objects: a stage may write tens of megabytes, and gc repacks them anyway.
      const out = await cli.run(['-c', 'core.looseCompression=1', 'hash-object', '-w', '--no-filters', '--', ...sources.slice(i, i + BATCH)]);
      oids.push(...out.trim().split('\n'));
    }
    for (let i = 0; i < files.length; i += BATCH) {
      const entries = files.slice(i, i + BATCH).flatMap((file, j) => ['--cacheinfo', `100644,${oids[i + j]},${file.path}`]);
      await cli.run(['update-index', '--add', ...entries], indexEnv);
    }
    const tree = (await cli.run(['write-tree'], indexEnv)).trim();
    const messageFile = join(scratch, 'message');
    await writeFile(messageFile, message);
    const parents = parent ? ['-p', parent] : [];
    return (await cli.run(['commit-tree', tree, ...parents, '-F', messageFile], identity)).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `subject`, an optional body, then trailers as `Key: value` lines (git interpret-trailers reads them). */
export function formatCommitMessage(subject: string, body: string | undefined, trailers: ReadonlyArray<readonly [string, string]>): string {
  const lines = [subject.trim(), ''];
  if (body?.trim()) lines.push(body.trim(), '');
  for (const [key, value] of trailers) lines.push(`${key}: ${value}`);
  return `${lines.join('\n')}\n`;
}
