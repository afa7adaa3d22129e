import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type FormatDefinition, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SchemaError, UnknownVersionError } from '../errors.js';
import { KINDS, parseSchemaTag, type ArtifactOf, type KindName } from './kinds.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time']);
addFixedUtcFastPath(ajv);
const compiled = new Map<TSchema, ValidateFunction>();

function validatorFor(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Checks `value` against the schema of `kind`, at the format version the value declares.
 * Refuses a value of another kind and a format version this build does not know.
 * `file` (and `line` for JSONL) only serve to name the fault.
 */
export function validateArtifact<K extends KindName>(kind: K, value: unknown, file: string, line?: number): ArtifactOf<K> {
  const tag = typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
  if (typeof tag !== 'string') {
    throw new SchemaError(whereOf(file, line), [{ path: '/schema', message: `must be the string "${kind}/v<version>"` }]);
  }
  const validate = validatorForTag(kind, tag, file, line);
  if (!validate(value)) throw new SchemaError(whereOf(file, line), (validate.errors ?? []).map(describe));
  return value as ArtifactOf<K>;
}

/** Known tags, by kind: a JSONL file repeats one tag on every line, and reading it again costs more than the check. */
const validatorsByTag = new Map<KindName, Map<string, ValidateFunction>>();

/** The validator for `tag` ("Kind/vN") as an artifact of `kind`; refuses another kind and an unknown version. */
function validatorForTag(kind: KindName, tag: string, file: string, line: number | undefined): ValidateFunction {
  const known = validatorsByTag.get(kind)?.get(tag);
  if (known) return known;
  const parsed = parseSchemaTag(tag);
  if (!parsed || parsed.kind !== kind) {
    throw new SchemaError(whereOf(file, line), [{ path: '/schema', message: `must name kind ${kind}, found "${tag}"` }]);
  }
  const schema = (KINDS[kind].versions as Record<number, TSchema>)[parsed.version];
  if (!schema) {
    const versions = Object.keys(KINDS[kind].versions).map((v) => `v${v}`).join(', ');
    throw new UnknownVersionError(`${whereOf(file, line)}: ${kind} format v${parsed.version} is not known to this cairn (knows ${versions}); upgrade cairn`, {
      file,
      kind,
      version: parsed.version,
    });
  }
  const validate = validatorFor(schema);
  // Only tags this build knows are kept, so the map is as small as the list of kinds and versions.
  let tags = validatorsByTag.get(kind);
  if (!tags) validatorsByTag.set(kind, (tags = new Map()));
  tags.set(tag, validate);
  return validate;
}

function whereOf(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/**
 * ajv-formats checks a date-time by splitting it and matching two regular expressions, which
 * costs more than the rest of a dataset item's schema, and a version holds 100,000 items. A
 * timestamp in cairn's own fixed form ("2026-11-01T00:10:12.565509Z", a subset of RFC 3339) is
 * accepted after a check character by character; anything else goes to ajv-formats, so every
 * answer is the one it would give.
 */
function addFixedUtcFastPath(instance: Ajv): void {
  const format = instance.formats['date-time'] as FormatDefinition<string> | undefined;
  if (typeof format !== 'object' || typeof format.validate !== 'function') return;
  const slow = format.validate;
  instance.addFormat('date-time', { ...format, validate: (value: string) => isFixedUtc(value) || slow(value) });
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DDTHH:MM:SS.ffffffZ" naming a real day and time (no leap second). */
function isFixedUtc(value: string): boolean {
  if (value.length !== 27 || value.charCodeAt(26) !== 0x5a /* Z */ || value.charCodeAt(10) !== 0x54 /* T */) return false;
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a || value.charCodeAt(19) !== 0x2e) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || digitsAt(value, 20, 6) < 0) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  return days !== undefined && day >= 1 && day <= days && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digitsAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

function describe(error: ErrorObject): { path: string; message: string } {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum' || error.keyword === 'const'
        ? ` (${JSON.stringify(error.params)})`
        : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}
