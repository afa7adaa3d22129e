import { assertMatchesSchema } from '../artifacts/validate.js';
import { SchemaError } from '../errors.js';
import type { ModelOutput, UploadRecord } from './upload-record.js';
import { UploadRecordSchema } from './upload-record-schema.js';
import { uploadTimeKey } from './upload-time-key.js';

/** A row of the `uploads` table: the scalars the feedback and monitoring queries filter on, the structured parts as JSON. */
export interface UploadRow {
  id: string;
  image_sha256: string;
  unit: string;
  model: string;
  version: string | null;
  role: string;
  output: string | null;
  accepted: number;
  source: string;
  fallback_reason: string | null;
  shadow_output: string | null;
  shadow_agreed: number | null;
  latency_ms: number;
  created_at: string;
  created_key: string;
}

/** Checks `value` against the `UploadRecord` schema; faults are named at their field, under `where`. */
export function validateUploadRecord(value: unknown, where: string): UploadRecord {
  const record = assertMatchesSchema(UploadRecordSchema, value, where, '') as UploadRecord;
  // RFC 3339 (and so ajv-formats) admits a leap second, "23:59:60Z", which has no place in time order.
  if (uploadTimeKey(record.created_at) === null) {
    throw new SchemaError(where, [{ path: '/created_at', message: 'must not be a leap second: the log orders uploads by time' }]);
  }
  return record;
}

/** The row a valid record is stored as. */
export function buildUploadRow(record: UploadRecord): UploadRow {
  return {
    id: record.id,
    image_sha256: record.image_sha256,
    unit: record.unit,
    model: record.model,
    version: record.version,
    role: record.role,
    output: record.output === null ? null : JSON.stringify(record.output),
    accepted: record.accepted ? 1 : 0,
    source: record.source,
    fallback_reason: record.fallback_reason,
    shadow_output: record.shadow === null ? null : JSON.stringify(record.shadow.output),
    shadow_agreed: record.shadow === null ? null : record.shadow.agreed ? 1 : 0,
    latency_ms: record.latency_ms,
    created_at: record.created_at,
    // validateUploadRecord refuses a time without a key, so `?? ''` is never taken for a valid record.
    created_key: uploadTimeKey(record.created_at) ?? '',
  };
}

/**
 * The record a stored row holds, checked against the schema again: the file may have been written
 * by another tool or edited by hand. `where` names the database and the upload in a fault.
 */
export function parseUploadRow(row: UploadRow, where: string): UploadRecord {
  const shadowOutput = parseJsonColumn(row.shadow_output, '/shadow/output', where);
  const record = {
    id: row.id,
    image_sha256: row.image_sha256,
    unit: row.unit,
    model: row.model,
    version: row.version,
    role: row.role,
    output: parseJsonColumn(row.output, '/output', where),
    accepted: flag(row.accepted),
    source: row.source,
    fallback_reason: row.fallback_reason,
    shadow: shadowOutput === null ? null : { output: shadowOutput, agreed: flag(row.shadow_agreed) },
    latency_ms: row.latency_ms,
    created_at: row.created_at,
  };
  return validateUploadRecord(record, where);
}

function parseJsonColumn(text: string | null, path: string, where: string): ModelOutput | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as ModelOutput; // checked with the whole record by parseUploadRow
  } catch {
    throw new SchemaError(where, [{ path, message: 'is not JSON text' }]);
  }
}

/** 0 and 1 as stored; anything else is left as it is so that the schema check names it. */
function flag(value: number | null): unknown {
  return value === 1 ? true : value === 0 ? false : value;
}
