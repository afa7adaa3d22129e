import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, numbers in ECMAScript's shortest
 * round-trip form (as RFC 8785 does), no NaN or Infinity, `-0` written as `0`, undefined members
 * left out. The same value always gives the same bytes, so checksums stay stable across machines.
 *
 * Files are written indented (two spaces, trailing newline) so that pull requests stay readable;
 * the compact form is used for JSONL lines and for hashing. The writers are on the hot path of
 * ingestion (one call per item), so they track no paths; when a value has no JSON form, a second,
 * slow walk finds where it is for the error message.
 */
export function canonicalize(value: unknown, indent = 0): string {
  try {
    return indent === 0 ? compact(value) : pretty(value, ' '.repeat(indent), '');
  } catch (error) {
    if (error instanceof NoJsonForm) throw new TypeError(`$${locate(value) ?? ''}: ${error.what} has no JSON form`);
    throw error;
  }
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

class NoJsonForm extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

function scalar(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NoJsonForm(String(value));
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : null;
    default:
      throw new NoJsonForm(`a ${typeof value}`);
  }
}

function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  keys.sort();
  return keys;
}

/**
 * Writes into one array of parts joined once at the end: `+=` on strings builds ropes that
 * cost several times the text in memory until V8 flattens them, and ingestion keeps 100,000
 * of these lines.
 */
function compact(value: unknown): string {
  const parts: string[] = [];
  writeCompact(value, parts);
  return parts.join('');
}

function writeCompact(value: unknown, parts: string[]): void {
  const leaf = scalar(value);
  if (leaf !== null) {
    parts.push(leaf);
    return;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) parts.push(',');
      writeCompact(value[i] === undefined ? null : value[i], parts);
    }
    parts.push(']');
    return;
  }
  const object = value as Record<string, unknown>;
  parts.push('{');
  let first = true;
  for (const key of sortedKeys(object)) {
    const member = object[key];
    if (member === undefined) continue;
    parts.push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    first = false;
    writeCompact(member, parts);
  }
  parts.push('}');
}

function pretty(value: unknown, unit: string, pad: string): string {
  const leaf = scalar(value);
  if (leaf !== null) return leaf;
  const inner = pad + unit;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const parts = value.map((item) => pretty(item === undefined ? null : item, unit, inner));
    return `[\n${inner}${parts.join(`,\n${inner}`)}\n${pad}]`;
  }
  const object = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of sortedKeys(object)) {
    if (object[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}: ${pretty(object[key], unit, inner)}`);
  }
  return parts.length === 0 ? '{}' : `{\n${inner}${parts.join(`,\n${inner}`)}\n${pad}}`;
}

/** The path of the first value with no JSON form, or null. */
function locate(value: unknown, path = ''): string | null {
  try {
    if (scalar(value) !== null) return null;
  } catch {
    return path;
  }
  const entries = Array.isArray(value) ? value.map((item, i) => [`[${i}]`, item ?? null] as const) : Object.entries(value as object).filter(([, v]) => v !== undefined).map(([k, v]) => [`.${k}`, v] as const);
  for (const [segment, child] of entries) {
    const found = locate(child, path + segment);
    if (found !== null) return found;
  }
  return null;
}
