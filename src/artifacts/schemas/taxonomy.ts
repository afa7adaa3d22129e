import { Type, type Static } from '@sinclair/typebox';
import { Name, SchemaTag, SelfChecksum, Strict } from './common.js';

const LabelClass = Strict({ name: Name, description: Type.Optional(Type.String()) });

/** `datasets/taxonomies/<taxonomy_version>.json`: the classes a dataset and a model speak. */
export const Taxonomy = Strict(
  {
    schema: SchemaTag('Taxonomy', 1),
    taxonomy_version: Name,
    classes: Type.Array(LabelClass, { minItems: 1, uniqueItems: true }),
    region_classes: Type.Array(LabelClass, { uniqueItems: true }),
    checksum: SelfChecksum,
  },
  'Image classes and region classes, versioned; a new version means a new model major version',
);
export type Taxonomy = Static<typeof Taxonomy>;
