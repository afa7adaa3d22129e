import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SchemaError, UnknownVersionError } from '../errors.js';
import { KINDS, parseSchemaTag, type ArtifactOf, type KindName } from './kinds.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time']);
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
  const where = line === undefined ? file : `${file}:${line}`;
  const tag = typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
  if (typeof tag !== 'string') {
    throw new SchemaError(where, [{ path: '/schema', message: `must be the string "${kind}/v<version>"` }]);
  }
  const parsed = parseSchemaTag(tag);
  if (!parsed || parsed.kind !== kind) {
    throw new SchemaError(where, [{ path: '/schema', message: `must name kind ${kind}, found "${tag}"` }]);
  }
  const schema = (KINDS[kind].versions as Record<number, TSchema>)[parsed.version];
  if (!schema) {
    const known = Object.keys(KINDS[kind].versions).map((v) => `v${v}`).join(', ');
    throw new UnknownVersionError(`${where}: ${kind} format v${parsed.version} is not known to this cairn (knows ${known}); upgrade cairn`, {
      file,
      kind,
      version: parsed.version,
    });
  }
  const validate = validatorFor(schema);
  if (!validate(value)) throw new SchemaError(where, (validate.errors ?? []).map(describe));
  return value as ArtifactOf<K>;
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
