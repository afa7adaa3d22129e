import { Type, type Static } from '@sinclair/typebox';
import { Counts, FileEntry, FileRef, Name, Nullable, Probability, SchemaTag, SelfChecksum, SemVer, Strict, Timestamp } from './common.js';

/** `registry/<model>/<model_version>/manifest.json`: an immutable model version and its lineage. */
export const ModelArtifact = Strict(
  {
    schema: SchemaTag('ModelArtifact', 1),
    model: Name,
    model_version: SemVer,
    taxonomy: FileRef,
    dataset: Strict({ name: Name, version: Name, manifest: FileRef }),
    trainer: Strict({
      kind: Type.Union([Type.Literal('builtin'), Type.Literal('external')]),
      name: Type.String(),
      version: Type.String(),
      command: Type.Optional(Type.String()),
    }),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'snapshot of the training config' }),
    code_commit: Type.String({ pattern: '^[0-9a-f]{40}$|^unknown$' }),
    input: Strict({
      width: Type.Integer({ minimum: 1 }),
      height: Type.Integer({ minimum: 1 }),
      mean: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
      std: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
    }),
    classes: Type.Array(Name),
    region_classes: Type.Array(Name),
    parent: Nullable(Strict({ model_version: SemVer, manifest: FileRef })),
    files: Type.Record(Type.String(), FileEntry, { description: 'model.onnx, metrics.json, calibration.json, …' }),
    calibrated: Type.Boolean(),
    created_at: Timestamp,
    checksum: SelfChecksum,
  },
  'A model version: weights, what it was trained on and by what, and the sha256 of every file',
);
export type ModelArtifact = Static<typeof ModelArtifact>;

const ClassScores = Strict({
  precision: Probability,
  recall: Probability,
  f1: Probability,
  support: Type.Integer({ minimum: 0 }),
});

const Detection = Strict({
  ap: Type.Number(),
  ap50: Type.Number(),
  ap75: Type.Number(),
  ap_small: Type.Number(),
  ap_medium: Type.Number(),
  ap_large: Type.Number(),
  ar1: Type.Number(),
  ar10: Type.Number(),
  ar100: Type.Number(),
  ar_small: Type.Number(),
  ar_medium: Type.Number(),
  ar_large: Type.Number(),
  per_class_ap: Type.Record(Type.String(), Type.Number(), { description: '-1 where a class has no ground truth' }),
});

/** `registry/<model>/<model_version>/metrics.json`: cairn's own evaluation on the frozen test split. */
export const TrainingMetrics = Strict(
  {
    schema: SchemaTag('TrainingMetrics', 1),
    model: Name,
    model_version: SemVer,
    dataset: Strict({ version: Name, manifest: FileRef, split: Type.Literal('test'), items: Type.Integer({ minimum: 0 }) }),
    classification: Strict({
      per_class: Type.Record(Type.String(), ClassScores),
      macro_f1: Probability,
      min_class_f1: Probability,
      accuracy: Probability,
      confusion: Strict({ labels: Type.Array(Name), matrix: Type.Array(Type.Array(Type.Integer({ minimum: 0 }))) }),
    }),
    detection: Nullable(Detection),
    calibration: Nullable(Strict({ ece_before: Type.Number({ minimum: 0 }), ece_after: Type.Number({ minimum: 0 }) })),
    bias: Nullable(
      Strict({
        field: Type.String(),
        groups: Type.Record(Type.String(), Strict({ items: Type.Integer({ minimum: 0 }), macro_f1: Probability })),
        max_delta: Type.Number({ minimum: 0 }),
      }),
    ),
    training: Nullable(Strict({ seconds: Type.Number({ minimum: 0 }), epochs: Type.Integer({ minimum: 0 }), items: Counts })),
    checksum: SelfChecksum,
  },
  'Metrics computed by cairn (never by the trainer) on the dataset test split',
);
export type TrainingMetrics = Static<typeof TrainingMetrics>;

/** `registry/<model>/<model_version>/calibration.json`: per-class isotonic maps. */
export const Calibration = Strict(
  {
    schema: SchemaTag('Calibration', 1),
    model: Name,
    model_version: SemVer,
    method: Type.Literal('isotonic'),
    fitted_on: Strict({ dataset_version: Name, split: Type.Union([Type.Literal('val'), Type.Literal('test')]) }),
    classes: Type.Record(
      Type.String(),
      Strict({ x: Type.Array(Type.Number()), y: Type.Array(Probability) }),
      { description: 'fitted breakpoints per class; scores are interpolated between them and clipped outside' },
    ),
    ece_before: Type.Number({ minimum: 0 }),
    ece_after: Type.Number({ minimum: 0 }),
    checksum: SelfChecksum,
  },
  'Calibration of a model version, refittable without new weights',
);
export type Calibration = Static<typeof Calibration>;
