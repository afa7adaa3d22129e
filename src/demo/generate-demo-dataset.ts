import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoDataset, type DemoDataset } from './build-demo-dataset.js';
import { formatWeakLabelsCsv, formatWeakLabelsJsonl } from './build-weak-labels.js';
import { demoImageFileName } from './demo-image-name.js';
import type { DemoOptions } from './demo-options.js';
import { encodeDemoPng } from './encode-demo-png.js';

/** The files {@link generateDemoDataset} wrote, by role. */
export interface DemoDatasetFiles {
  outDir: string;
  imagesDir: string;
  /** Every image of both exports, in task order. */
  images: string[];
  /** `export-1.json`: the first Label Studio export. */
  firstExport: string;
  /** `export-2.json`: the later full export with corrections and new tasks. */
  secondExport: string;
  labelConfig: string;
  taxonomy: string;
  weakLabelsJsonl: string;
  weakLabelsCsv: string;
  /** What was built, for reports and tests. */
  dataset: DemoDataset;
}

/** Images encoded at once: sharp works on libuv's pool, so a few in flight keep it busy. */
const ENCODE_CONCURRENCY = 16;

/**
 * Writes the demo dataset under `outDir`: `images/<file>.png`, `export-1.json`, `export-2.json`,
 * `label_config.xml`, `taxonomy.json`, `weak-labels.jsonl` and `weak-labels.csv`.
 * The same options always give byte-identical files.
 */
export async function generateDemoDataset(options: DemoOptions & { outDir: string }): Promise<DemoDatasetFiles> {
  const dataset = buildDemoDataset(options);
  const { outDir } = options;
  const imagesDir = join(outDir, 'images');
  await mkdir(imagesDir, { recursive: true });
  const images = dataset.scenes.map((scene) => join(imagesDir, demoImageFileName(dataset.options.seed, scene.index)));
  await forEachLimited(dataset.scenes, ENCODE_CONCURRENCY, async (scene) => {
    await writeFile(images[scene.index] as string, await encodeDemoPng(scene));
  });

  const files = {
    firstExport: join(outDir, 'export-1.json'),
    secondExport: join(outDir, 'export-2.json'),
    labelConfig: join(outDir, 'label_config.xml'),
    taxonomy: join(outDir, 'taxonomy.json'),
    weakLabelsJsonl: join(outDir, 'weak-labels.jsonl'),
    weakLabelsCsv: join(outDir, 'weak-labels.csv'),
  };
  // As Label Studio's converter writes them: json.dump(records, indent=2), no trailing newline.
  await writeFile(files.firstExport, JSON.stringify(dataset.exports.first, null, 2));
  await writeFile(files.secondExport, JSON.stringify(dataset.exports.second, null, 2));
  await writeFile(files.labelConfig, dataset.labelConfig);
  await writeFile(files.taxonomy, `${JSON.stringify(dataset.taxonomy, null, 2)}\n`);
  await writeFile(files.weakLabelsJsonl, formatWeakLabelsJsonl(dataset.weakLabels));
  await writeFile(files.weakLabelsCsv, formatWeakLabelsCsv(dataset.weakLabels));
  return { outDir, imagesDir, images, ...files, dataset };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
