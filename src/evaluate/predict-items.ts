import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { InputError, isCairnError } from '../errors.js';
import { preprocessImage, type PreparedImage } from '../images/preprocess.js';
import type { ImagePrediction, OpenedModel } from '../model/open-model.js';

/** Reads an item's encoded image bytes (from the repository, a bucket, a cache). */
export type ReadItemImage = (item: DatasetItem) => Promise<Uint8Array>;

/** A model's prediction for one dataset item. */
export interface ItemPrediction extends ImagePrediction {
  itemId: string;
  /** The decoded image's size after EXIF orientation, before resizing. */
  original: { width: number; height: number };
}

export interface PredictItemsOptions {
  /** Images per onnxruntime run (default 32). */
  batchSize?: number;
  /** Refuse larger images before decoding them (`preprocessImage`'s default otherwise). */
  maxPixels?: number;
  /** Called with the items done so far after each batch. */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_PREDICT_BATCH = 32;
// sharp decodes on libuv's pool (4 threads by default), so a few decodes in flight keep it busy.
const DECODE_CONCURRENCY = 8;

/**
 * Runs the model on every item through the upload-time path (`preprocessImage`, then `model.run`),
 * a batch at a time: the next batch decodes while onnxruntime works on this one. Predictions follow
 * the order of `items`. An image that cannot be read or decoded fails the whole run with an
 * `InputError` naming the item and its URL (`data.rule` as `preprocessImage` gave it).
 */
export async function predictItems(model: OpenedModel, items: readonly DatasetItem[], readImage: ReadItemImage, options: PredictItemsOptions = {}): Promise<ItemPrediction[]> {
  const batchSize = options.batchSize ?? DEFAULT_PREDICT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batchSize must be a positive integer, got ${batchSize}`, { rule: 'batch-size', batchSize });
  }
  const decodeBatch = async (start: number): Promise<{ tensors: Float32Array; originals: ItemPrediction['original'][] }> => {
    const end = Math.min(items.length, start + batchSize);
    const tensors = new Float32Array((end - start) * model.imageLength);
    const originals: ItemPrediction['original'][] = new Array(end - start);
    let next = start;
    const worker = async (): Promise<void> => {
      while (next < end) {
        const index = next++;
        const prepared = await prepareItem(items[index]!, model, readImage, options.maxPixels);
        tensors.set(prepared.tensor, (index - start) * model.imageLength);
        originals[index - start] = { width: prepared.original.width, height: prepared.original.height };
      }
    };
    await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, end - start) }, worker));
    return { tensors, originals };
  };

  const predictions: ItemPrediction[] = [];
  let pending = items.length > 0 ? decodeBatch(0) : null;
  for (let start = 0; start < items.length; start += batchSize) {
    const { tensors, originals } = await pending!;
    pending = start + batchSize < items.length ? decodeBatch(start + batchSize) : null;
    // A failed run must not leave the next decode's rejection unhandled.
    pending?.catch(() => undefined);
    const batch = await model.run(tensors);
    batch.forEach((prediction, i) => predictions.push({ itemId: items[start + i]!.id, original: originals[i]!, ...prediction }));
    options.onProgress?.(predictions.length, items.length);
  }
  return predictions;
}

async function prepareItem(item: DatasetItem, model: OpenedModel, readImage: ReadItemImage, maxPixels: number | undefined): Promise<PreparedImage> {
  const name = `item ${item.id} (${item.image.url})`;
  let bytes: Uint8Array;
  try {
    bytes = await readImage(item);
  } catch (error) {
    if (isCairnError(error)) throw error;
    throw new InputError(`${name}: the image could not be read (${(error as Error).message})`, { item: item.id, file: item.image.url, rule: 'image-read' }, { cause: error });
  }
  return preprocessImage(bytes, model.inputSpec, { name: item.image.url, item: item.id, ...(maxPixels === undefined ? {} : { maxPixels }) });
}
