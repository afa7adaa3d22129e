import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflate } from 'node:zlib';
import type { GitCli, GitEnv } from './git-cli.js';

/**
 * A file's bytes: text, binary, or text in chunks (a large JSONL file is handed over line by line
 * so that it never exists as one more copy of itself).
 */
export type FileContent = string | Uint8Array | readonly string[];

export interface FileWrite {
  path: string;
  content: FileContent;
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
  gitdir: string,
  parent: string | null,
  files: readonly FileWrite[],
  message: string,
  identity: GitEnv,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-commit-'));
  try {
    const indexEnv: GitEnv = { GIT_INDEX_FILE: join(scratch, 'index') };
    await cli.run(parent ? ['read-tree', parent] : ['read-tree', '--empty'], indexEnv);
    // A SHA-1 repository (40-hex ids) gets its blobs written in-process; any other goes through git.
    const oids = parent && /^[0-9a-f]{40}$/.test(parent) ? await Promise.all(files.map((file) => writeLooseBlob(gitdir, file.content))) : await hashObjects(cli, scratch, files);
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

/** The whole content as one buffer; for comparisons and the slow path only. */
export function contentBytes(content: FileContent): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return Buffer.from(content.join(''), 'utf8');
}

/** Writes blobs with `git hash-object -w`, through files in `scratch`. */
async function hashObjects(cli: GitCli, scratch: string, files: readonly FileWrite[]): Promise<string[]> {
  const sources = await Promise.all(
    files.map(async (file, i) => {
      const source = join(scratch, `blob-${i}`);
      await writeFile(source, contentBytes(file.content));
      return source;
    }),
  );
  const oids: string[] = [];
  for (let i = 0; i < sources.length; i += BATCH) {
    const out = await cli.run(['-c', 'core.looseCompression=1', 'hash-object', '-w', '--no-filters', '--', ...sources.slice(i, i + BATCH)]);
    oids.push(...out.trim().split('\n'));
  }
  return oids;
}

/**
 * Writes one loose object in git's format (zlib of `blob <size>\0<bytes>`, named by its SHA-1),
 * through a temporary file renamed into place, so a reader never sees half an object. This skips
 * a scratch copy and a `git hash-object` process, which dominate a stage that writes tens of
 * megabytes; fast zlib is fine because gc repacks loose objects anyway.
 */
async function writeLooseBlob(gitdir: string, content: FileContent): Promise<string> {
  const chunks = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
  let size = 0;
  for (const chunk of chunks) size += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
  const header = Buffer.from(`blob ${size}\0`, 'latin1');
  const hash = createHash('sha1').update(header);
  for (const chunk of chunks) hash.update(chunk);
  const oid = hash.digest('hex');
  const dir = join(gitdir, 'objects', oid.slice(0, 2));
  const path = join(dir, oid.slice(2));
  if (existsSync(path)) return oid;
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `tmp_obj_cairn_${process.pid}_${oid.slice(2, 12)}`);
  await pipeline(Readable.from(coalesce(header, chunks)), createDeflate({ level: 1 }), createWriteStream(temp));
  await rename(temp, path);
  return oid;
}

/** The chunks as ~1 MiB buffers: a stream pays per chunk, and a large file may come as 100,000 lines. */
function* coalesce(header: Buffer, chunks: ReadonlyArray<string | Uint8Array>): Generator<Uint8Array> {
  yield header;
  let group: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    if (typeof chunk !== 'string') {
      if (group.length > 0) yield Buffer.from(group.join(''), 'utf8');
      group = [];
      length = 0;
      yield chunk;
      continue;
    }
    group.push(chunk);
    length += chunk.length;
    if (length >= 1 << 20) {
      yield Buffer.from(group.join(''), 'utf8');
      group = [];
      length = 0;
    }
  }
  if (group.length > 0) yield Buffer.from(group.join(''), 'utf8');
}

/** `subject`, an optional body, then trailers as `Key: value` lines (git interpret-trailers reads them). */
export function formatCommitMessage(subject: string, body: string | undefined, trailers: ReadonlyArray<readonly [string, string]>): string {
  const lines = [subject.trim(), ''];
  if (body?.trim()) lines.push(body.trim(), '');
  for (const [key, value] of trailers) lines.push(`${key}: ${value}`);
  return `${lines.join('\n')}\n`;
}
