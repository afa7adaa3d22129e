import { buildDemoDataset, encodeDemoPng, type DemoScene, type LabelStudioChoicesResult } from '../../src/demo/index.js';
import type { BuiltinTrainingItem } from '../../src/train/train-builtin-model.js';

/** The demo's scenes with their PNG bytes, and each scene's image class as its annotator labelled it. */
export interface DemoItems {
  classes: readonly string[];
  scenes: DemoScene[];
  items: BuiltinTrainingItem[];
}

/**
 * `count` demo images as training items. Image classes come from the first Label Studio export, so
 * about 3% carry an annotator's slip, as real labels do; boxes are the scenes' exact pixel boxes.
 */
export async function buildDemoItems(options: { seed: number; count: number; imageSize?: number }): Promise<DemoItems> {
  const dataset = buildDemoDataset({ seed: options.seed, count: options.count, newTaskCount: 0, imageSize: options.imageSize ?? 64 });
  const { scenes } = dataset;
  const bytes = await mapLimited(scenes, 16, (scene) => encodeDemoPng(scene));
  const items = scenes.map((scene, index): BuiltinTrainingItem => {
    const choice = dataset.exports.first[index]!.annotations[0]!.result.find((r): r is LabelStudioChoicesResult => r.type === 'choices');
    return {
      id: String(index + 1),
      image: bytes[index]!,
      label: { name: choice!.value.choices[0]!, weight: 1 },
      regions: scene.objects.map((object) => ({
        label: object.shape,
        x: object.box.x / scene.size,
        y: object.box.y / scene.size,
        width: object.box.width / scene.size,
        height: object.box.height / scene.size,
      })),
    };
  });
  return { classes: dataset.options.classes, scenes, items };
}

async function mapLimited<T, R>(values: readonly T[], limit: number, work: (value: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(values.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) {
      const index = next++;
      results[index] = await work(values[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
  return results;
}
