import { Type, type Static } from '@sinclair/typebox';
import { Counts, FileEntry, FileRef, Name, Nullable, Probability, SchemaTag, SelfChecksum, Sha256, Strict, Timestamp } from './common.js';

/** `datasets/<dataset>/<dataset_version>/manifest.json` */
export const DatasetArtifact = Strict(
  {
    schema: SchemaTag('DatasetArtifact', 1),
    dataset: Name,
    dataset_version: Name,
    taxonomy: Strict({ version: Name, path: Type.String(), sha256: Sha256 }),
    source: Strict({
      kind: Type.Union([Type.Literal('label-studio-export'), Type.Literal('label-studio-api')]),
      project: Type.String(),
      export: Type.String({ description: 'export file name or snapshot id' }),
      export_sha256: Sha256,
      tasks: Type.Integer({ minimum: 0 }),
    }),
    parent: Nullable(Strict({ dataset_version: Name, manifest: FileRef })),
    cursor: Strict({ updated_at: Timestamp, task_id: Type.Integer() }, 'newest task update ingested so far'),
    counts: Strict({
      items: Type.Integer({ minimum: 0 }),
      classes: Counts,
      region_classes: Counts,
      splits: Strict({ train: Type.Integer({ minimum: 0 }), val: Type.Integer({ minimum: 0 }), test: Type.Integer({ minimum: 0 }) }),
      missing_images: Type.Integer({ minimum: 0 }),
    }),
    items_sha256: Sha256,
    files: Type.Record(Type.String(), FileEntry, { description: 'every data file of this version beside the manifest' }),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'A dataset version: where it came from, what it holds, and the checksum of every file',
);
export type DatasetArtifact = Static<typeof DatasetArtifact>;

const Region = Strict({
  label: Name,
  x: Probability,
  y: Probability,
  width: Probability,
  height: Probability,
  rotation: Type.Number({ description: 'degrees, clockwise about the top-left corner, as Label Studio' }),
  envelope: Type.Optional(Strict({ x: Probability, y: Probability, width: Probability, height: Probability })),
});

/** One line of `items.jsonl`: one image with its human ground truth. */
export const DatasetItem = Strict({
  schema: SchemaTag('DatasetItem', 1),
  id: Type.String({ minLength: 1 }),
  split: Type.Union([Type.Literal('train'), Type.Literal('val'), Type.Literal('test')]),
  image: Strict({
    url: Type.String({ minLength: 1 }),
    sha256: Nullable(Sha256),
    width: Nullable(Type.Integer({ minimum: 1 })),
    height: Nullable(Type.Integer({ minimum: 1 })),
  }),
  classes: Type.Array(Name),
  regions: Type.Array(Region),
  annotation: Strict({
    task_id: Type.Integer(),
    annotation_id: Type.Integer(),
    completed_by: Nullable(Type.Union([Type.Integer(), Type.String()])),
    ground_truth: Type.Boolean(),
    updated_at: Timestamp,
  }),
  meta: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
});
export type DatasetItem = Static<typeof DatasetItem>;

/** One line of `weak-labels.jsonl`: a user signal, never mixed into ground truth. */
export const WeakLabel = Strict({
  schema: SchemaTag('WeakLabel', 1),
  item_id: Type.String({ minLength: 1 }),
  label: Name,
  source: Type.Union([Type.Literal('user_tag'), Type.Literal('vote'), Type.Literal('swipe')]),
  confidence: Probability,
  weight: Probability,
  observed_at: Timestamp,
});
export type WeakLabel = Static<typeof WeakLabel>;

const Check = Strict({
  name: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')]),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});

/** `datasets/<dataset>/<dataset_version>/validation.json` */
export const ValidationReport = Strict(
  {
    schema: SchemaTag('ValidationReport', 1),
    dataset: Name,
    dataset_version: Name,
    manifest: FileRef,
    thresholds: FileRef,
    passed: Type.Boolean(),
    checks: Type.Array(Check),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'Whether a dataset version may be trained on, check by check',
);
export type ValidationReport = Static<typeof ValidationReport>;
