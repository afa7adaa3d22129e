/** A schema object of an OpenAPI 3.0 description, as parsed JSON. */
export type OpenApiSchema = { [key: string]: unknown };

/** Keywords whose values are data, not schemas: copied as they are. */
const DATA_KEYWORDS = new Set(['enum', 'default', 'const']);
/** Keywords that only document: left out, so compiled validators stay small. */
const DOC_KEYWORDS = new Set(['description', 'example', 'examples', 'title', 'externalDocs', 'xml']);

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms, for ajv: `null` joins the `type` (and the
 * `enum`, which would refuse it otherwise), or the whole schema becomes `anyOf [schema, null]`
 * when it has no `type` (`allOf`, `oneOf` of a nullable reference, say).
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const out: OpenApiSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOC_KEYWORDS.has(key) || key === 'nullable') continue;
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]));
    } else out[key] = toJsonSchema(value);
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type !== 'string') return { anyOf: [out, { type: 'null' }] };
  return { ...out, type: [out.type, 'null'], ...(Array.isArray(out.enum) ? { enum: [...out.enum, null] } : {}) };
}

export function isObject(value: unknown): value is OpenApiSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
