import { Type, type Static } from '@sinclair/typebox';
import { Name, SchemaTag, Strict } from './common.js';
import { Trainer } from './trainer-config.js';

/** `registry/<model>/model.yaml`: what a model is, which dataset feeds it and which trainer builds it. */
export const ModelConfig = Strict({
  schema: SchemaTag('ModelConfig', 1),
  model: Name,
  description: Type.Optional(Type.String()),
  dataset: Name,
  taxonomy_version: Name,
  trainer: Trainer,
  calibration: Type.Boolean(),
  bias_field: Type.Optional(Type.String()),
});
export type ModelConfig = Static<typeof ModelConfig>;

/** `datasets/<dataset>/dataset.yaml`: which Label Studio project feeds a dataset, under which taxonomy. */
export const DatasetConfig = Strict({
  schema: SchemaTag('DatasetConfig', 1),
  dataset: Name,
  description: Type.Optional(Type.String()),
  taxonomy_version: Name,
  label_studio: Strict({
    url: Type.String({
      pattern: '^https?://[^/?#@\\s]+([/?#]\\S*)?$',
      description: 'base URL of the Label Studio server, with no user or password: the token is LABEL_STUDIO_API_KEY, never committed',
    }),
    project: Type.Integer({ minimum: 1 }),
  }),
  splits: Strict(
    {
      train: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'the trainer needs items' }),
      val: Type.Number({ minimum: 0, maximum: 1, description: 'calibration and external trainers use it; may be 0' }),
      test: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'every model is evaluated on it' }),
    },
    'shares of the item-id hash space; they must add up to 1 (within 1e-9)',
  ),
  weak_label_weights: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }), {
    description: 'weight per weak-label source (user_tag, vote, swipe), multiplied by each label’s confidence',
  }),
  bias_field: Type.Optional(Type.String({ description: 'item meta field whose groups the bias report compares' })),
});
export type DatasetConfig = Static<typeof DatasetConfig>;
