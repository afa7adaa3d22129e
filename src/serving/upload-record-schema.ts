import { Type } from '@sinclair/typebox';
import { Nullable, Probability, Sha256, Strict } from '../artifacts/schemas/common.js';

/**
 * "YYYY-MM-DDTHH:MM:SS", then "." and 1 to 6 digits or nothing, then "Z": UTC only, and no finer
 * than the microseconds the upload log orders by (`uploadTimeKey`). `Date#toISOString()` is one.
 */
export const UploadTime = Type.String({
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z$',
  description: 'ISO 8601 UTC time of the upload',
});

const FallbackReasonSchema = Type.Union([
  Type.Literal('not_in_canary'),
  Type.Literal('low_confidence'),
  Type.Literal('unavailable'),
  Type.Literal('observe_only'),
]);

const ClassScoreSchema = Strict({ label: Type.String({ minLength: 1 }), score: Probability });

const RegionPredictionSchema = Strict({
  label: Type.String({ minLength: 1 }),
  score: Probability,
  box: Type.Tuple([Type.Number(), Type.Number(), Type.Number({ minimum: 0 }), Type.Number({ minimum: 0 })], {
    description: 'x, y of the top-left corner, width, height, in image pixels after EXIF orientation',
  }),
});

export const ModelOutputSchema = Strict({
  version: Type.String({ minLength: 1 }),
  classes: Type.Array(ClassScoreSchema),
  regions: Type.Array(RegionPredictionSchema),
});

/** The schema of `UploadRecord` (src/serving/upload-record.ts); a type test keeps the two equal. */
export const UploadRecordSchema = Strict({
  id: Type.String({ minLength: 1 }),
  image_sha256: Sha256,
  unit: Type.String({ minLength: 1 }),
  model: Type.String({ minLength: 1 }),
  version: Nullable(Type.String({ minLength: 1 })),
  role: Type.Union([Type.Literal('production'), Type.Literal('candidate'), Type.Literal('pinned'), Type.Literal('none')]),
  output: Nullable(ModelOutputSchema),
  accepted: Type.Boolean(),
  source: Type.Union([Type.Literal('model'), Type.Literal('fallback')]),
  fallback_reason: Nullable(FallbackReasonSchema),
  shadow: Nullable(Strict({ output: ModelOutputSchema, agreed: Type.Boolean() })),
  latency_ms: Type.Number({ minimum: 0 }),
  created_at: UploadTime,
});
