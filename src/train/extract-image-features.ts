import type * as ort from 'onnxruntime-node';
import { preprocessImage, type InputSpec } from '../images/preprocess.js';
import type { ExtractorSpec } from '../model/feature-extractor.js';
import type { FeatureBatch } from '../model/reference-features.js';
import { loadFeatureExtractor } from '../model/run-features.js';

/** An image's encoded bytes, or a loader called once, when its chunk is decoded. */
export type ImageSource = Uint8Array | (() => Promise<Uint8Array>);

export interface ExtractImageFeaturesOptions {
  extractor: ExtractorSpec;
  mean: readonly number[];
  std: readonly number[];
  /** Images per onnxruntime run (default 64). */
  batchSize?: number;
  sessionOptions?: ort.InferenceSession.SessionOptions;
  /** The item id of image `index`, named in decoding errors. */
  nameOf?: (index: number) => string;
  /** Where image `index` came from (its URL or path), named in decoding errors beside the item. */
  fileOf?: (index: number) => string;
  /** Called with the images done so far after each chunk. */
  onChunk?: (done: number) => void;
  /** Whether to keep the cell features (true by default); a model without region classes needs none. */
  cells?: boolean;
}

/** The features of every image, and how many images were smaller than the input and so upscaled. */
export interface ExtractedFeatures extends FeatureBatch {
  upscaled: number;
}

// Images decoded ahead of the extractor: bounds memory to a few MB of tensors at a time.
const CHUNK = 256;
// sharp decodes on libuv's pool, so a few decodes in flight keep it busy.
const DECODE_CONCURRENCY = 8;

/**
 * Decodes and normalises every image (`preprocessImage`, as evaluation and serving do) and runs the
 * extractor on them, chunk by chunk: the next chunk decodes while onnxruntime works on this one. Only
 * the features are kept, so decoded images are held for two chunks at most. An image smaller than the
 * input on either side is upscaled like any other, and counted. Rows follow the order of `images` whatever order the decodes finish in.
 */
export async function extractImageFeatures(images: readonly ImageSource[], options: ExtractImageFeaturesOptions): Promise<ExtractedFeatures> {
  const { inputSize } = options.extractor;
  const spec: InputSpec = { width: inputSize, height: inputSize, mean: options.mean, std: options.std };
  const imageLength = 3 * inputSize * inputSize;
  const extractor = await loadFeatureExtractor({
    extractor: options.extractor,
    normalisation: { mean: options.mean, std: options.std },
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.sessionOptions === undefined ? {} : { sessionOptions: options.sessionOptions }),
  });
  const count = images.length;
  const imageFeatures = new Float32Array(count * extractor.imageFeatureSize);
  const keepCells = options.cells ?? true;
  const cellFeatures = new Float32Array(keepCells ? count * extractor.cellCount * extractor.cellFeatureSize : 0);
  let upscaled = 0;

  const decodeChunk = async (start: number): Promise<Float32Array> => {
    const end = Math.min(count, start + CHUNK);
    const tensors = new Float32Array((end - start) * imageLength);
    let next = start;
    const worker = async (): Promise<void> => {
      while (next < end) {
        const index = next++;
        const source = images[index]!;
        const bytes = typeof source === 'function' ? await source() : source;
        const item = options.nameOf?.(index);
        const { tensor, original } = await preprocessImage(bytes, spec, { name: options.fileOf?.(index) ?? item ?? `image ${index}`, item });
        if (original.width < inputSize || original.height < inputSize) upscaled++;
        tensors.set(tensor, (index - start) * imageLength);
      }
    };
    await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, end - start) }, worker));
    return tensors;
  };

  try {
    let pending = count > 0 ? decodeChunk(0) : null;
    for (let start = 0; start < count; start += CHUNK) {
      const tensors = await pending!;
      pending = start + CHUNK < count ? decodeChunk(start + CHUNK) : null;
      // A failed extraction must not leave the next decode's rejection unhandled.
      pending?.catch(() => undefined);
      const size = tensors.length / imageLength;
      const batch = await extractor.extract(tensors, size);
      imageFeatures.set(batch.imageFeatures, start * extractor.imageFeatureSize);
      if (keepCells) cellFeatures.set(batch.cellFeatures, start * extractor.cellCount * extractor.cellFeatureSize);
      options.onChunk?.(start + size);
    }
  } finally {
    await extractor.close();
  }
  return { count, imageFeatures, cellFeatures, upscaled };
}
