import { createReadStream } from 'node:fs';
import { InputError, NotFoundError } from '../errors.js';
import { ExportScanner } from './export-scanner.js';

/** Chunk size of the read stream: large enough that the per-chunk cost vanishes, small enough to stream. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads the tasks of a Label Studio JSON export one at a time, without parsing the whole file at
 * once: each element of the top-level list (or the single top-level task object some exports
 * hold) is cut out by a byte scanner and parsed on its own. Yields the raw, unvalidated values;
 * `normalizeTask` checks them. `onChunk` sees every byte of the file in order (ingestion hashes
 * the export with it instead of reading the file twice).
 *
 * @throws InputError with `data.rule` one of `empty-file`, `empty-export`, `truncated`,
 *   `json-syntax`, `top-level` or `unreadable`, naming the file, the task index and the byte offset.
 * @throws NotFoundError when the file does not exist.
 */
export async function* readExportTasks(path: string, onChunk?: (chunk: Buffer) => void): AsyncGenerator<unknown, void, undefined> {
  const scanner = new ExportScanner(path);
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const next = await chunks.next().catch((error: unknown) => Promise.reject(asReadError(path, error)));
      if (next.done) break;
      onChunk?.(next.value);
      yield* scanner.push(next.value);
    }
  } finally {
    stream.destroy();
  }
  scanner.end();
}

function asReadError(path: string, error: unknown): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new NotFoundError(`${path}: no such export file`, { file: path }, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new InputError(`${path}: the export cannot be read: ${detail} (rule unreadable)`, { file: path, item: '#0', rule: 'unreadable', code }, { cause: error });
}
