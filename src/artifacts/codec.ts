import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ChecksumError, InputError } from '../errors.js';
import { canonicalize, formatJsonFile, formatJsonLine, sha256Hex } from './canonical-json.js';
import { KINDS, schemaTag, type ArtifactOf, type CurrentOf, type KindName } from './kinds.js';
import { validateArtifact } from './validate.js';

/** An artifact as its builder makes it: everything but the schema tag and the checksum. */
export type Unsealed<K extends KindName> = Omit<CurrentOf<K>, 'schema' | 'checksum'>;

/** sha256 of the compact canonical JSON of `value` without its `checksum` field. */
export function computeChecksum(value: object): string {
  const { checksum: _ignored, ...rest } = value as Record<string, unknown>;
  return sha256Hex(canonicalize(rest));
}

/** Adds the schema tag (current format version) and, for sealed kinds, the checksum; then validates. */
export function buildArtifact<K extends KindName>(kind: K, body: Unsealed<K>, file = `<new ${kind}>`): CurrentOf<K> {
  const tagged: Record<string, unknown> = { ...(body as object), schema: schemaTag(kind) };
  if (KINDS[kind].sealed) tagged.checksum = computeChecksum(tagged);
  return validateArtifact(kind, tagged, file) as CurrentOf<K>;
}

/** The exact bytes committed for a single-document artifact (JSON or YAML). */
export function encodeArtifact<K extends KindName>(kind: K, value: ArtifactOf<K>, file: string): string {
  validateArtifact(kind, value, file);
  switch (KINDS[kind].format) {
    case 'json':
      return formatJsonFile(value);
    case 'yaml':
      return stringifyYaml(value, { sortMapEntries: true });
    case 'jsonl':
      throw new TypeError(`${kind} is stored as JSONL: use encodeLines`);
  }
}

/** JSONL bytes: one canonical line per record, each validated. */
export function encodeLines<K extends KindName>(kind: K, records: Iterable<ArtifactOf<K>>, file: string): string {
  let out = '';
  let line = 0;
  for (const record of records) {
    validateArtifact(kind, record, file, ++line);
    out += `${formatJsonLine(record)}\n`;
  }
  return out;
}

/** Parses and validates a single-document artifact; a sealed one must match its checksum. */
export function decodeArtifact<K extends KindName>(kind: K, bytes: string | Uint8Array, file: string): ArtifactOf<K> {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  const value = KINDS[kind].format === 'yaml' ? parseYamlText(text, file) : parseJsonText(text, file);
  const artifact = validateArtifact(kind, value, file);
  if (KINDS[kind].sealed) assertChecksum(artifact as object, file);
  return artifact;
}

/** Parses and validates every line of a JSONL artifact. */
export function decodeLines<K extends KindName>(kind: K, bytes: string | Uint8Array, file: string): ArtifactOf<K>[] {
  const records: ArtifactOf<K>[] = [];
  forEachLine(kind, bytes, file, (record) => records.push(record));
  return records;
}

/**
 * Parses and validates a JSONL artifact line by line, handing each record to `visit` and keeping
 * none: a 100,000-line dataset is checked without holding 100,000 objects. Returns the line count.
 */
export function forEachLine<K extends KindName>(
  kind: K,
  bytes: string | Uint8Array,
  file: string,
  visit: (record: ArtifactOf<K>, line: number, text: string) => void,
): number {
  // Bytes are cut into lines before decoding, so a large file never exists as one big string too.
  const buffer = typeof bytes === 'string' ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buffer ? buffer.length : (bytes as string).length;
  let start = 0;
  let line = 0;
  while (start < length) {
    let end = buffer ? buffer.indexOf(10, start) : (bytes as string).indexOf('\n', start);
    if (end === -1) end = length;
    line++;
    const content = buffer ? buffer.toString('utf8', start, end) : (bytes as string).slice(start, end);
    visit(validateArtifact(kind, parseJsonLine(content, file, line), file, line), line, content);
    start = end + 1;
  }
  return line;
}

export function assertChecksum(value: object, file: string): void {
  const stored = (value as { checksum?: unknown }).checksum;
  const actual = computeChecksum(value);
  if (stored !== actual) {
    throw new ChecksumError(`${file}: content does not match its checksum (stored ${String(stored)}, computed ${actual})`, {
      file,
      stored,
      actual,
    });
  }
}

export function parseJsonText(text: string, file: string): unknown {
  if (text.length === 0) throw new InputError(`${file}: empty file, expected JSON`, { file, rule: 'json-syntax' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`, { file, rule: 'json-syntax' }, { cause: error });
  }
}

/** `parseJsonText` for one JSONL line, naming `file:line` only when it fails (a file has many lines). */
function parseJsonLine(text: string, file: string, line: number): unknown {
  try {
    if (text.length > 0) return JSON.parse(text);
  } catch {
    // Thrown again below, with the file and line named.
  }
  return parseJsonText(text, `${file}:${line}`);
}

function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new InputError(`${file}: not valid YAML (${(error as Error).message})`, { file, rule: 'yaml-syntax' }, { cause: error });
  }
}
