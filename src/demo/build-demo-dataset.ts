import { buildDemoTaxonomy, buildLabelConfig, type DemoTaxonomy } from './build-label-config.js';
import { buildDemoScene, type DemoScene } from './build-demo-scene.js';
import { buildDemoTasks, type DemoTaskBatches } from './build-demo-tasks.js';
import { buildDemoWeakLabels, type DemoWeakLabel } from './build-weak-labels.js';
import { resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from './demo-options.js';

/** Everything in the demo dataset except the image bytes. */
export interface DemoDataset {
  options: ResolvedDemoOptions;
  /** One scene a task: `scenes[id - 1]` is task `id`; the first `count` are the first export's. */
  scenes: DemoScene[];
  exports: DemoTaskBatches;
  labelConfig: string;
  taxonomy: DemoTaxonomy;
  weakLabels: DemoWeakLabel[];
}

/** Builds the demo dataset in memory. Pure: no clock, no file, no `Math.random`. */
export function buildDemoDataset(options: DemoOptions): DemoDataset {
  const resolved = resolveDemoOptions(options);
  const scenes = buildDemoScenes(resolved);
  const exports = buildDemoTasks(scenes, resolved);
  return {
    options: resolved,
    scenes,
    exports,
    labelConfig: buildLabelConfig(resolved.classes),
    taxonomy: buildDemoTaxonomy(resolved.classes, resolved.taxonomyVersion),
    weakLabels: buildDemoWeakLabels(scenes, exports.second, resolved),
  };
}

/** The layouts of every image of both exports. */
export function buildDemoScenes(options: ResolvedDemoOptions): DemoScene[] {
  const total = options.count + options.newTaskCount;
  return Array.from({ length: total }, (_, index) => buildDemoScene(index, options));
}
