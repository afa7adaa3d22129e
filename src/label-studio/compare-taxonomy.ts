import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import type { LabelConfig } from './label-config.js';

/** One way a taxonomy and a Label Studio labelling config disagree. */
export interface TaxonomyDifference {
  /** `classes` (image classes, `<Choices>`) or `region_classes` (boxes, `<RectangleLabels>`). */
  scope: 'classes' | 'region_classes';
  name: string;
  problem: 'missing-from-config' | 'missing-from-taxonomy';
  message: string;
}

/**
 * The differences between a taxonomy and a labelling config: each image class or region class
 * the taxonomy has and the config does not offer, and each the config offers and the taxonomy
 * lacks. Names compare exactly (case matters, as in Label Studio's results). Empty when they agree.
 */
export function compareTaxonomy(taxonomy: Pick<Taxonomy, 'classes' | 'region_classes'>, config: LabelConfig): TaxonomyDifference[] {
  return [
    ...compareScope('classes', taxonomy.classes, config.choices.flatMap((control) => control.values), '<Choice>'),
    ...compareScope('region_classes', taxonomy.region_classes, config.rectangleLabels.flatMap((control) => control.values), '<RectangleLabels> <Label>'),
  ];
}

function compareScope(scope: TaxonomyDifference['scope'], classes: ReadonlyArray<{ name: string }>, offered: readonly string[], tag: string): TaxonomyDifference[] {
  const inTaxonomy = new Set(classes.map((entry) => entry.name));
  const inConfig = new Set(offered);
  const kind = scope === 'classes' ? 'image class' : 'region class';
  const differences: TaxonomyDifference[] = [];
  for (const name of inTaxonomy) {
    if (!inConfig.has(name)) differences.push({ scope, name, problem: 'missing-from-config', message: `${kind} "${name}" is in the taxonomy but no ${tag} offers it` });
  }
  for (const name of inConfig) {
    if (!inTaxonomy.has(name)) differences.push({ scope, name, problem: 'missing-from-taxonomy', message: `${kind} "${name}" is offered by a ${tag} but is not in the taxonomy` });
  }
  return differences;
}
