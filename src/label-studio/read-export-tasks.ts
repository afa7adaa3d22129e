import { open, type FileHandle } from 'node:fs/promises';
import { InputError, NotFoundError } from '../errors.js';
import { ExportScanner } from './export-scanner.js';

/** Bytes read at a time: large enough that the per-chunk cost vanishes, small enough to stream. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads the tasks of a Label Studio JSON export one at a time, without parsing the whole file at
 * once: each element of the top-level list (or the single top-level task object some exports
 * hold) is cut out by a byte scanner and parsed on its own. Yields the raw, unvalidated values;
 * `normalizeTask` checks them. `onChunk` sees every byte of the file in order (ingestion hashes
 * the export with it instead of reading the file twice); a chunk's memory is reused once
 * `onChunk` returns.
 *
 * @throws InputError with `data.rule` one of `empty-file`, `empty-export`, `truncated`,
 *   `json-syntax`, `top-level` or `unreadable`, naming the file, the task index and the byte offset.
 * @throws NotFoundError when the file does not exist.
 */
export async function* readExportTasks(path: string, onChunk?: (chunk: Buffer) => void): AsyncGenerator<unknown, void, undefined> {
  const scanner = new ExportScanner(path);
  const file = await open(path, 'r').catch((error: unknown) => Promise.reject(asReadError(path, error)));
  // Two buffers, read into again and again: the next chunk is read while this one is scanned, and a
  // fresh buffer per chunk would leave a trail of mebibytes that only a full collection gives back.
  let reading = Buffer.allocUnsafe(CHUNK_BYTES);
  let spare = Buffer.allocUnsafe(CHUNK_BYTES);
  let next = readChunk(file, reading, path);
  try {
    for (;;) {
      const length = await next;
      if (length === 0) break;
      const chunk = reading.subarray(0, length);
      [reading, spare] = [spare, reading];
      next = readChunk(file, reading, path);
      onChunk?.(chunk);
      yield* scanner.push(chunk);
    }
  } finally {
    // A read may still be under way when the consumer stops early or a chunk is refused.
    await next.catch(() => 0);
    await file.close();
  }
  scanner.end();
}

/** Starts reading the next chunk into `buffer`; resolves to the bytes read, 0 at the end of the file. */
function readChunk(file: FileHandle, buffer: Buffer, path: string): Promise<number> {
  const read = file.read(buffer, 0, buffer.length, null).then(
    (result) => result.bytesRead,
    (error: unknown) => Promise.reject(asReadError(path, error)),
  );
  // Read ahead, it may fail while nobody waits for it yet: the failure is met when it is awaited.
  read.catch(() => 0);
  return read;
}

function asReadError(path: string, error: unknown): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new NotFoundError(`${path}: no such export file`, { file: path }, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new InputError(`${path}: the export cannot be read: ${detail} (rule unreadable)`, { file: path, item: '#0', rule: 'unreadable', code }, { cause: error });
}
