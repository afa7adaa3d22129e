import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type FormatDefinition, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SchemaError, UnknownVersionError } from '../errors.js';
import { crossFieldFaults } from './cross-field-rules.js';
import { KINDS, parseSchemaTag, type ArtifactOf, type KindName } from './kinds.js';
import { isFixedUtc } from './utc-timestamp.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
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
  const faults = crossFieldFaults(kind, value as ArtifactOf<K>);
  if (faults.length > 0) throw new SchemaError(whereOf(file, line), faults);
  return value as ArtifactOf<K>;
}

/**
 * Checks `value` against a part of an artifact's schema, naming faults at `pointer` inside `file`
 * (a trainer config recorded in a manifest, say), in the words `validateArtifact` would use.
 */
export function assertMatchesSchema<T extends TSchema>(schema: T, value: unknown, file: string, pointer: string): Static<T> {
  const validate = validatorFor(schema);
  if (!validate(value)) throw new SchemaError(file, (validate.errors ?? []).map(describe).map((fault) => ({ ...fault, path: `${pointer}${fault.path === '/' ? '' : fault.path}` || '/' })));
  return value as Static<T>;
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

function describe(error: ErrorObject): { path: string; message: string } {
  if (error.keyword === 'discriminator') {
    const { tag, tagValue } = error.params as { tag: string; tagValue?: unknown };
    return { path: error.instancePath || '/', message: `${tag} must name a known variant, got ${tagValue === undefined ? 'none' : JSON.stringify(tagValue)}` };
  }
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum' || error.keyword === 'const'
        ? ` (${JSON.stringify(error.params)})`
        : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}
