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

const ItemId = {
  id: Type.String({ minLength: 1 }),
  split: Type.Union([Type.Literal('train'), Type.Literal('val'), Type.Literal('test')]),
};

const ItemLabels = {
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
};

/** One line of `items.jsonl` before image headers were read at ingestion (still read). */
export const DatasetItemV1 = Strict({
  schema: SchemaTag('DatasetItem', 1),
  ...ItemId,
  image: Strict({
    url: Type.String({ minLength: 1 }),
    sha256: Nullable(Sha256),
    width: Nullable(Type.Integer({ minimum: 1 })),
    height: Nullable(Type.Integer({ minimum: 1 })),
  }),
  ...ItemLabels,
});
export type DatasetItemV1 = Static<typeof DatasetItemV1>;

/** Why an image that was fetched cannot be decoded, found when its header was read at ingestion. */
export const ImageDefect = Strict({
  rule: Type.Union([Type.Literal('image-unreadable'), Type.Literal('image-truncated'), Type.Literal('image-format')], {
    description: 'image-unreadable: no image header a decoder reads (empty, not an image, a cut-off header); image-truncated: the data ends before the image does; image-format: a format cairn does not train on',
  }),
  message: Type.String(),
});
export type ImageDefect = Static<typeof ImageDefect>;

/** One line of `items.jsonl`: one image, what its header says, and its human ground truth. */
export const DatasetItemV2 = Strict({
  schema: SchemaTag('DatasetItem', 2),
  ...ItemId,
  image: Strict({
    url: Type.String({ minLength: 1 }),
    sha256: Nullable(Sha256, 'null: the image could not be fetched at ingestion'),
    width: Nullable(Type.Integer({ minimum: 1 }), "from the image header (EXIF-oriented) when it could be read, otherwise Label Studio's"),
    height: Nullable(Type.Integer({ minimum: 1 })),
    format: Nullable(Type.String({ minLength: 1 }), 'the format its header names (png, jpeg, webp, …); null when not fetched or unreadable'),
    defect: Nullable(ImageDefect, 'null when the image was not fetched or can be decoded'),
  }),
  ...ItemLabels,
});
export type DatasetItemV2 = Static<typeof DatasetItemV2>;

/** A dataset item as read: either format version. New items are written as v2. */
export type DatasetItem = DatasetItemV1 | DatasetItemV2;

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

/** `datasets/<dataset>/<dataset_version>/validation/<first 12 hex of the thresholds sha256>.json` (or an older `validation.json`) */
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
