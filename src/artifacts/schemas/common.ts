import { Type, type TSchema } from '@sinclair/typebox';

/** `"<Kind>/v<version>"`, the first field of every artifact. */
export function SchemaTag(kind: string, version: number) {
  return Type.Literal(`${kind}/v${version}`, { description: 'Artifact kind and format version' });
}

export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256, lowercase hex' });

/** The artifact's own checksum: sha256 of its canonical JSON without this field. */
export const SelfChecksum = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'sha256 of the canonical compact JSON of this artifact without the checksum field',
});

export const Timestamp = Type.String({ format: 'date-time' });

/** Names of datasets, models, classes and versions that appear in paths. */
export const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' });

export const SemVer = Type.String({
  pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$',
  description: 'major.minor.patch: major for a new taxonomy, minor for new data, patch for a new calibration',
});

export const Probability = Type.Number({ minimum: 0, maximum: 1 });

/** A reference to another committed file, by path and the sha256 of its bytes. */
export const FileRef = Type.Object(
  { path: Type.String({ minLength: 1 }), sha256: Sha256 },
  { additionalProperties: false },
);

/** A file listed in a manifest: its sha256 and size. */
export const FileEntry = Type.Object(
  { sha256: Sha256, bytes: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export function Nullable<T extends TSchema>(schema: T, description?: string) {
  return Type.Union([schema, Type.Null()], description ? { description } : {});
}

export function Strict<T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}
