import { DEMO_CONTROLS } from './label-studio-export.js';
import type { DemoShape } from './shapes.js';

/** The demo's taxonomy, before another layer adds its schema tag and checksum. */
export interface DemoTaxonomy {
  taxonomy_version: string;
  classes: Array<{ name: string }>;
  region_classes: Array<{ name: string }>;
}

/** The taxonomy version the demo exports carry in each task's `data.taxonomy_version`. */
export const DEMO_TAXONOMY_VERSION = 'taxonomy_v1';

/** Region label colours in the labelling UI, one per class. */
const LABEL_COLOURS: Record<DemoShape, string> = {
  circle: 'rgba(255, 99, 71, 1)',
  square: 'rgba(30, 144, 255, 1)',
  triangle: 'rgba(50, 205, 50, 1)',
  ring: 'rgba(218, 112, 214, 1)',
  cross: 'rgba(255, 165, 0, 1)',
};

/** The Label Studio labelling config for the demo project: an image class (Choices) and boxes (RectangleLabels). */
export function buildLabelConfig(classes: readonly DemoShape[]): string {
  const choices = classes.map((name) => `    <Choice value="${name}"/>`);
  const labels = classes.map((name) => `    <Label value="${name}" background="${LABEL_COLOURS[name]}"/>`);
  return [
    '<View>',
    `  <Image name="${DEMO_CONTROLS.image}" value="$image"/>`,
    `  <Choices name="${DEMO_CONTROLS.classes}" toName="${DEMO_CONTROLS.image}" choice="single" showInLine="true">`,
    ...choices,
    '  </Choices>',
    `  <RectangleLabels name="${DEMO_CONTROLS.regions}" toName="${DEMO_CONTROLS.image}">`,
    ...labels,
    '  </RectangleLabels>',
    '</View>',
    '',
  ].join('\n');
}

/** The demo taxonomy: every shape is both an image class and a region class. */
export function buildDemoTaxonomy(classes: readonly DemoShape[], version = DEMO_TAXONOMY_VERSION): DemoTaxonomy {
  return {
    taxonomy_version: version,
    classes: classes.map((name) => ({ name })),
    region_classes: classes.map((name) => ({ name })),
  };
}
