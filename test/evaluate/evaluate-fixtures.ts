import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import type { ReadItemImage } from '../../src/evaluate/index.js';
import { trainBuiltinModel, type BuiltinModel } from '../../src/train/train-builtin-model.js';
import { buildDemoItems } from '../train/demo-items.js';

type Region = DatasetItem['regions'][number];

/** A dataset item with only what a test cares about given; the rest is fixed filler. */
export function datasetItem(fields: {
  id: string;
  classes?: string[];
  regions?: Array<Partial<Region> & Pick<Region, 'label' | 'x' | 'y' | 'width' | 'height'>>;
  meta?: DatasetItem['meta'];
  size?: { width: number; height: number } | null;
  split?: DatasetItem['split'];
}): DatasetItem {
  const size = fields.size === undefined ? { width: 64, height: 64 } : fields.size;
  return {
    schema: 'DatasetItem/v1',
    id: fields.id,
    split: fields.split ?? 'test',
    image: { url: `images/${fields.id}.png`, sha256: null, width: size?.width ?? null, height: size?.height ?? null },
    classes: fields.classes ?? [],
    regions: (fields.regions ?? []).map((region) => ({ rotation: 0, ...region })),
    annotation: { task_id: 1, annotation_id: 1, completed_by: null, ground_truth: false, updated_at: '2024-01-08T09:00:00.000Z' },
    meta: fields.meta ?? {},
  };
}

/** Demo images as dataset items with their PNG bytes; `readImage` serves the bytes by item id. */
export interface DemoSplit {
  classes: readonly string[];
  items: DatasetItem[];
  images: Map<string, Uint8Array>;
  readImage: ReadItemImage;
}

/** `count` demo images (64×64 PNG), as dataset items of `split` with `meta.camera` alternating "a" and "b". */
export async function buildDemoSplit(options: { seed: number; count: number; split: DatasetItem['split'] }): Promise<DemoSplit> {
  const demo = await buildDemoItems({ seed: options.seed, count: options.count });
  const images = new Map<string, Uint8Array>();
  const items = demo.items.map((training, index) => {
    const id = `${options.split}-${training.id}`;
    images.set(id, training.image as Uint8Array);
    return datasetItem({
      id,
      split: options.split,
      classes: training.label ? [training.label.name] : [],
      regions: training.regions.map((region) => ({ ...region })),
      meta: { camera: index % 2 === 0 ? 'a' : 'b' },
    });
  });
  return { classes: demo.classes, items, images, readImage: serveImages(images) };
}

/** A reader over in-memory images; an unknown id fails as a missing file would. */
export function serveImages(images: ReadonlyMap<string, Uint8Array>): ReadItemImage {
  return async (item) => {
    const bytes = images.get(item.id);
    if (!bytes) throw new Error(`ENOENT: no image for ${item.id}`);
    return bytes;
  };
}

const QUICK = { minSteps: 100, classHead: { epochs: 4 }, objectness: { epochs: 2 }, regionClasses: { epochs: 3 }, boxes: { epochs: 3 } };

/** The built-in model trained quickly on `count` demo images: real, imperfect, and made in a few seconds. */
export async function trainDemoModel(count = 400, seed = 7): Promise<{ trained: BuiltinModel; classes: readonly string[] }> {
  const demo = await buildDemoItems({ seed, count });
  const trained = await trainBuiltinModel(demo.items, { classes: demo.classes, regionClasses: demo.classes, config: QUICK });
  return { trained, classes: demo.classes };
}
