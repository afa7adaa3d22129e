import { formatJsonFile, sha256Hex } from '../artifacts/canonical-json.js';
import { decodeArtifact, forEachLine } from '../artifacts/codec.js';
import { KINDS, type KindName } from '../artifacts/kinds.js';
import { CairnError, SchemaError } from '../errors.js';
import type { Violation, ViolationRule } from './violation.js';

/** Schema, format version, checksum and canonical form of one file. Returns the parsed value when sound. */
export function checkArtifactBytes(kind: KindName, file: string, bytes: Uint8Array, out: Violation[]): unknown {
  try {
    if (KINDS[kind].format === 'jsonl') {
      forEachLine(kind, bytes, file, () => {});
      return null;
    }
    const value = decodeArtifact(kind, bytes, file);
    if (KINDS[kind].format === 'json' && sha256Hex(formatJsonFile(value)) !== sha256Hex(bytes)) {
      out.push({ file, rule: 'canonical-form', message: 'not in canonical JSON form (sorted keys, two-space indent, final newline)' });
    }
    return value;
  } catch (error) {
    out.push(...describeFailure(file, error));
    return null;
  }
}

const RULES: Record<string, ViolationRule> = {
  E_INPUT: 'syntax',
  E_SCHEMA: 'schema',
  E_UNKNOWN_VERSION: 'unknown-version',
  E_CHECKSUM: 'checksum',
};

function describeFailure(file: string, error: unknown): Violation[] {
  if (error instanceof SchemaError) {
    return error.errors.map((fault) => ({
      file,
      rule: 'schema' as const,
      pointer: fault.path,
      message: `${fault.path}: ${fault.message}`,
    }));
  }
  if (error instanceof CairnError && RULES[error.code]) {
    return [{ file, rule: RULES[error.code]!, message: error.message.replace(`${file}: `, '') }];
  }
  throw error;
}

/** Every `{path, sha256}` reference inside an artifact, with its JSON pointer. */
export function collectFileRefs(value: unknown, pointer = ''): Array<{ pointer: string; path: string; sha256: string }> {
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.path === 'string' && typeof record.sha256 === 'string') {
    return [{ pointer, path: record.path, sha256: record.sha256 }];
  }
  return Object.entries(record).flatMap(([key, child]) => collectFileRefs(child, `${pointer}/${key}`));
}
