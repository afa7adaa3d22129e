import { Type, type Static } from '@sinclair/typebox';
import { Name, SchemaTag, Strict } from './common.js';

/** `registry/<model>/model.yaml`: what a model is, which dataset feeds it and which trainer builds it. */
export const ModelConfig = Strict({
  schema: SchemaTag('ModelConfig', 1),
  model: Name,
  description: Type.Optional(Type.String()),
  dataset: Name,
  taxonomy_version: Name,
  trainer: Type.Union([
    Strict({ kind: Type.Literal('builtin'), config: Type.Record(Type.String(), Type.Unknown()) }),
    Strict({
      kind: Type.Literal('external'),
      command: Type.String({ minLength: 1 }),
      config: Type.Record(Type.String(), Type.Unknown()),
    }),
  ]),
  calibration: Type.Boolean(),
  bias_field: Type.Optional(Type.String()),
});
export type ModelConfig = Static<typeof ModelConfig>;
