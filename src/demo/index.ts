// The demo dataset: generated images exported in real Label Studio format, for the embedded default.
export { buildDemoDataset, buildDemoScenes, type DemoDataset } from './build-demo-dataset.js';
export { buildDemoScene, type DemoBackground, type DemoObject, type DemoScene, type DemoSceneOptions, type PixelBox } from './build-demo-scene.js';
export { buildDemoTasks, type DemoTaskBatches, type DemoTaskOptions } from './build-demo-tasks.js';
export { buildDemoTaxonomy, buildLabelConfig, DEMO_TAXONOMY_VERSION, type DemoTaxonomy } from './build-label-config.js';
export {
  buildDemoWeakLabels,
  formatWeakLabelsCsv,
  formatWeakLabelsJsonl,
  type DemoWeakLabel,
  type DemoWeakLabelOptions,
  type WeakSignalSource,
} from './build-weak-labels.js';
export { demoImageFileName, demoImageUrl } from './demo-image-name.js';
export { DEFAULT_DEMO_START, resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from './demo-options.js';
export { encodeDemoPng } from './encode-demo-png.js';
export { generateDemoDataset, type DemoDatasetFiles } from './generate-demo-dataset.js';
export {
  DEMO_CONTROLS,
  type LabelStudioAnnotation,
  type LabelStudioChoicesResult,
  type LabelStudioRectangleResult,
  type LabelStudioResult,
  type LabelStudioTask,
} from './label-studio-export.js';
export { createPrng, mixSeed, type Prng } from './prng.js';
export { renderDemoScene } from './render-demo-scene.js';
export { DEMO_SHAPES, type DemoShape } from './shapes.js';
