import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, numbers in ECMAScript's shortest
 * round-trip form (as RFC 8785 does), no NaN or Infinity, `-0` written as `0`. The same value
 * always gives the same bytes, so checksums stay stable across machines and runs.
 *
 * Files are written indented (two spaces, trailing newline) so that pull requests stay readable;
 * the compact form is used for JSONL lines and for hashing.
 */
export function canonicalize(value: unknown, indent = 0): string {
  return write(value, indent, '', '$');
}

/** The bytes cairn commits for a JSON artifact. */
export function formatJsonFile(value: unknown): string {
  return `${canonicalize(value, 2)}\n`;
}

/** One JSONL line (without its newline). */
export function formatJsonLine(value: unknown): string {
  return canonicalize(value, 0);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function write(value: unknown, indent: number, pad: string, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value, indent, pad, path) : writeObject(value as Record<string, unknown>, indent, pad, path);
    default:
      throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
  }
}

function writeArray(items: unknown[], indent: number, pad: string, path: string): string {
  if (items.length === 0) return '[]';
  const inner = indent ? pad + ' '.repeat(indent) : '';
  const parts = items.map((item, i) => write(item === undefined ? null : item, indent, inner, `${path}[${i}]`));
  return indent ? `[\n${inner}${parts.join(`,\n${inner}`)}\n${pad}]` : `[${parts.join(',')}]`;
}

function writeObject(object: Record<string, unknown>, indent: number, pad: string, path: string): string {
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  const inner = indent ? pad + ' '.repeat(indent) : '';
  const colon = indent ? ': ' : ':';
  const parts = keys.map((key) => `${JSON.stringify(key)}${colon}${write(object[key], indent, inner, `${path}.${key}`)}`);
  return indent ? `{\n${inner}${parts.join(`,\n${inner}`)}\n${pad}}` : `{${parts.join(',')}}`;
}
