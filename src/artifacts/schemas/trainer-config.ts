import { Type, type Static } from '@sinclair/typebox';
import { Strict } from './common.js';

const Seed = Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'an integer in [0, 2^32)' });
const ChannelValues = (item: ReturnType<typeof Type.Number>) => Type.Array(item, { minItems: 3, maxItems: 3, description: 'R, G, B' });

/** How one head is fitted (mini-batch Adam with L2); each key may be left to its default. */
const Fit = Strict({
  epochs: Type.Optional(Type.Integer({ minimum: 1 })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1 })),
  learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  l2: Type.Optional(Type.Number({ minimum: 0 })),
});

/**
 * `trainer.config` of the built-in trainer: every key optional, the defaults filled in and recorded
 * in the manifest. `postprocess.maxBoxes` ≤ (inputSize / 8)² is checked beside the schema.
 */
export const BuiltinTrainerConfig = Strict(
  {
    seed: Type.Optional(Seed),
    minSteps: Type.Optional(Type.Integer({ minimum: 0, description: 'fewest Adam steps of any fit' })),
    classHead: Type.Optional(Fit),
    objectness: Type.Optional(Fit),
    regionClasses: Type.Optional(Fit),
    boxes: Type.Optional(Fit),
    positiveWeight: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Literal('auto')])),
    extractor: Type.Optional(
      Strict({
        seed: Type.Optional(Seed),
        inputSize: Type.Optional(Type.Integer({ minimum: 8, multipleOf: 8, description: 'square input side in pixels, a multiple of the grid stride 8' })),
      }),
    ),
    mean: Type.Optional(ChannelValues(Type.Number())),
    std: Type.Optional(ChannelValues(Type.Number({ exclusiveMinimum: 0 }))),
    postprocess: Type.Optional(
      Strict({
        iouThreshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        scoreThreshold: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
        maxBoxes: Type.Optional(Type.Integer({ minimum: 1 })),
        classAgnostic: Type.Optional(Type.Boolean()),
      }),
    ),
  },
  'settings of the built-in trainer; unknown keys are refused',
);
export type BuiltinTrainerConfig = Static<typeof BuiltinTrainerConfig>;

/** `trainer.config` of an external trainer: any object, handed to the command in `config.json` as it is. */
export const ExternalTrainerConfig = Type.Record(Type.String(), Type.Unknown(), { description: 'handed to the external command unchanged' });

const BuiltinTrainer = Strict({ kind: Type.Literal('builtin'), config: BuiltinTrainerConfig });
const ExternalTrainer = Strict({ kind: Type.Literal('external'), command: Type.String({ minLength: 1 }), config: ExternalTrainerConfig });

/**
 * `trainer` of a model config: a schema per kind, chosen by `kind` (a discriminator), so a fault is
 * reported against the kind the file names and not against every kind at once.
 */
export const Trainer = Type.Unsafe<Static<typeof BuiltinTrainer> | Static<typeof ExternalTrainer>>({
  type: 'object',
  discriminator: { propertyName: 'kind' },
  oneOf: [BuiltinTrainer, ExternalTrainer],
});
